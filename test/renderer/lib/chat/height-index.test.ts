import { describe, expect, it } from 'vitest';
import { HeightIndex } from '../../../../src/renderer/src/lib/chat/height-index.ts';

describe('HeightIndex', () => {
  it('answers offsets and rows at offsets, with estimates and measurements', () => {
    const index = new HeightIndex(10);
    index.resize(5);
    expect(index.total).toBe(50);
    expect(index.set(1, 30)).toBe(20);
    expect([0, 1, 2, 5].map((i) => index.offsetOf(i))).toEqual([0, 10, 40, 70]);
    expect([0, 9, 10, 39, 40, 69, 1000].map((o) => index.indexAt(o))).toEqual([0, 0, 1, 1, 2, 4, 4]);
  });

  it('keeps measured heights when rows are prepended or appended', () => {
    const index = new HeightIndex(10);
    index.resize(3);
    index.set(0, 25);
    index.resize(5, 2); // two older rows in front
    expect(index.height(2)).toBe(25);
    expect(index.offsetOf(3)).toBe(10 + 10 + 25);
    index.resize(6); // one newer at the end
    expect(index.height(2)).toBe(25);
    expect(index.total).toBe(25 + 50);
  });

  it('stays exact over 100,000 rows', () => {
    const index = new HeightIndex(40);
    index.resize(100_000);
    for (let i = 0; i < 100_000; i += 7) index.set(i, 60);
    let sum = 0;
    for (let i = 0; i < 100_000; i++) sum += i % 7 === 0 ? 60 : 40;
    expect(index.total).toBe(sum);
    const probe = index.offsetOf(54_321);
    expect(index.indexAt(probe)).toBe(54_321);
    expect(index.indexAt(probe - 0.5)).toBe(54_320);
  });
});

describe('HeightIndex appends', () => {
  it('gives the same answers appending one by one as building at once', () => {
    const streamed = new HeightIndex(10);
    const built = new HeightIndex(10);
    for (let n = 1; n <= 1000; n++) {
      streamed.resize(n);
      streamed.set(n - 1, 10 + (n % 5));
    }
    built.resize(1000);
    for (let i = 0; i < 1000; i++) built.set(i, 10 + ((i + 1) % 5));
    for (const i of [0, 1, 2, 3, 511, 512, 513, 999, 1000]) expect(streamed.offsetOf(i)).toBe(built.offsetOf(i));
    for (const o of [0, 5, 100, 5000, 12_000]) expect(streamed.indexAt(o)).toBe(built.indexAt(o));
    streamed.resize(1010, 10); // a prepend after appends
    expect(streamed.offsetOf(10)).toBe(100);
    expect(streamed.total).toBe(built.total + 100);
  });
});

describe('HeightIndex.reset', () => {
  it('starts over with the known heights in their new places and the estimate elsewhere', () => {
    const index = new HeightIndex(10);
    index.resize(4);
    index.set(3, 40);
    // A page of two rows lands before row 3: its measurement moves with it.
    index.reset(6, (i) => (i === 5 ? 40 : undefined));
    expect(index.size).toBe(6);
    expect(index.total).toBe(5 * 10 + 40);
    expect(index.offsetOf(5)).toBe(50);
    expect(index.indexAt(89)).toBe(5);
    index.resize(7); // appending still works after a reset
    expect(index.offsetOf(6)).toBe(90);
  });
});
