/**
 * Row heights for a virtual list of up to hundreds of thousands of rows: a Fenwick tree gives the
 * offset of any row and the row at any offset in O(log n), and updating one measured height is
 * O(log n) too. Rows not measured yet count at `estimate`.
 */
export class HeightIndex {
  readonly estimate: number;
  // Capacity may exceed `#size`; entries past it are unused.
  #heights = new Float64Array(0);
  #tree = new Float64Array(1);
  #size = 0;

  constructor(estimate: number) {
    this.estimate = estimate;
  }

  get size(): number {
    return this.#size;
  }

  /** Total height of all rows. */
  get total(): number {
    return this.#prefix(this.#size);
  }

  /**
   * Resize to `size` rows; `prepended` rows were added at the front (older history), the rest at
   * the end. Appending (the live case) costs O(log n) per row; prepending rebuilds in O(n).
   */
  resize(size: number, prepended = 0): void {
    if (prepended === 0 && size >= this.#size) {
      this.#reserve(size);
      for (let i = this.#size; i < size; i++) this.#append(i);
      this.#size = size;
      return;
    }
    const heights = new Float64Array(Math.max(size, 16)).fill(this.estimate);
    const keep = Math.min(this.#size, size - prepended);
    for (let i = 0; i < keep; i++) heights[i + prepended] = this.#heights[i]!;
    this.#heights = heights;
    this.#size = size;
    this.#rebuild();
  }

  /**
   * Start over with `size` rows whose heights `known(i)` gives where measured (estimate elsewhere):
   * for changes that are neither an append nor a prepend, such as a page landing in a gap. O(n).
   */
  reset(size: number, known: (index: number) => number | undefined): void {
    const heights = new Float64Array(Math.max(size, 16)).fill(this.estimate);
    for (let i = 0; i < size; i++) {
      const h = known(i);
      if (h !== undefined) heights[i] = h;
    }
    this.#heights = heights;
    this.#size = size;
    this.#rebuild();
  }

  /** Grow the arrays geometrically, so a stream of appends does not reallocate each time. */
  #reserve(size: number): void {
    if (size < this.#heights.length) return;
    const capacity = Math.max(16, size * 2);
    const heights = new Float64Array(capacity).fill(this.estimate);
    heights.set(this.#heights.subarray(0, this.#size));
    const tree = new Float64Array(capacity + 1);
    tree.set(this.#tree.subarray(0, this.#size + 1));
    this.#heights = heights;
    this.#tree = tree;
  }

  /** Add row `i` (0-based) at the end: its tree node sums the rows it covers, from nodes already built. */
  #append(i: number): void {
    const k = i + 1;
    this.#heights[i] = this.estimate;
    this.#tree[k] = this.estimate + this.#prefix(k - 1) - this.#prefix(k - (k & -k));
  }

  #rebuild(): void {
    const tree = new Float64Array(this.#heights.length + 1);
    for (let i = 1; i <= this.#size; i++) {
      tree[i]! += this.#heights[i - 1]!;
      const parent = i + (i & -i);
      if (parent <= this.#size) tree[parent]! += tree[i]!;
    }
    this.#tree = tree;
  }

  height(index: number): number {
    return this.#heights[index] ?? this.estimate;
  }

  /** Record a measured height. Returns the change, so a caller can keep the view anchored. */
  set(index: number, height: number): number {
    if (index < 0 || index >= this.#size) return 0;
    const delta = height - this.#heights[index]!;
    if (delta === 0) return 0;
    this.#heights[index] = height;
    for (let i = index + 1; i <= this.#size; i += i & -i) this.#tree[i]! += delta;
    return delta;
  }

  /** Distance from the top of the list to the top of row `index`. */
  offsetOf(index: number): number {
    return this.#prefix(Math.max(0, Math.min(index, this.#size)));
  }

  #prefix(count: number): number {
    let sum = 0;
    for (let i = count; i > 0; i -= i & -i) sum += this.#tree[i]!;
    return sum;
  }

  /** The row that covers `offset` (clamped to the list). */
  indexAt(offset: number): number {
    if (this.#size === 0) return 0;
    let index = 0;
    let remaining = offset;
    for (let step = 1 << Math.floor(Math.log2(this.#size)); step > 0; step >>= 1) {
      const next = index + step;
      if (next <= this.#size && this.#tree[next]! <= remaining) {
        index = next;
        remaining -= this.#tree[next]!;
      }
    }
    return Math.min(index, this.#size - 1);
  }
}
