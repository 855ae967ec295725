/**
 * Draws resources/icon.png: two tin cans joined by a string (a tin-can telephone) on a rounded tile.
 *
 * Run with `node scripts/generate-icon.ts [out.png] [size]` (Node 24 runs TypeScript directly). No
 * dependencies: shapes are tested per sample, 4×4 samples per pixel, written as an RGBA PNG with zlib.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

/** Red, green, blue in 0–255 and alpha in 0–1. */
type Rgba = [number, number, number, number];

const DESIGN = 512; // shapes below are laid out on a 512×512 grid and scaled to the output size
const SUPERSAMPLE = 4;

const mix = (a: number, b: number, t: number): number => a + (b - a) * t;
const clamp01 = (t: number): number => Math.min(1, Math.max(0, t));
const hex = (value: string): Rgba => [
  Number.parseInt(value.slice(1, 3), 16),
  Number.parseInt(value.slice(3, 5), 16),
  Number.parseInt(value.slice(5, 7), 16),
  1,
];
const blend = (under: Rgba, over: Rgba, t: number): Rgba => [
  mix(under[0], over[0], t),
  mix(under[1], over[1], t),
  mix(under[2], over[2], t),
  1,
];
const shade = (color: Rgba, factor: number): Rgba => [
  Math.min(255, color[0] * factor),
  Math.min(255, color[1] * factor),
  Math.min(255, color[2] * factor),
  color[3],
];

function insideRoundedRect(x: number, y: number, left: number, top: number, size: number, radius: number): boolean {
  const dx = Math.max(left + radius - x, 0, x - (left + size - radius));
  const dy = Math.max(top + radius - y, 0, y - (top + size - radius));
  return x >= left && x <= left + size && y >= top && y <= top + size && dx * dx + dy * dy <= radius * radius;
}

const insideEllipse = (x: number, y: number, cx: number, cy: number, rx: number, ry: number): boolean =>
  ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 <= 1;

// The string: a quadratic curve sagging between the two can mouths, flattened into segments.
const CAN = { closedX: 56, openX: 164, cy: 304, ry: 70, rx: 24 };
const string = Array.from({ length: 65 }, (_, i) => {
  const t = i / 64;
  const [p0, p1, p2] = [
    [CAN.openX, CAN.cy],
    [256, CAN.cy + 110],
    [DESIGN - CAN.openX, CAN.cy],
  ] as const;
  return [
    (1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
    (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1],
  ] as const;
});

function distanceToString(x: number, y: number): number {
  let best = Infinity;
  for (let i = 1; i < string.length; i++) {
    const [ax, ay] = string[i - 1]!;
    const [bx, by] = string[i]!;
    const t = clamp01(((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2));
    best = Math.min(best, Math.hypot(x - mix(ax, bx, t), y - mix(ay, by, t)));
  }
  return best;
}

const METAL = hex('#d9e2ea');
const INSIDE = hex('#31424f');
const LABEL = hex('#e8563f');

/** One can lying on its side, open end towards the middle; `x` is measured from the can's own closed end. */
function canColor(x: number, y: number): Rgba | undefined {
  const { closedX, openX, cy, ry, rx } = CAN;
  const v = (y - cy) / ry; // -1 at the top edge, 1 at the bottom edge
  if (insideEllipse(x, y, openX, cy, rx, ry)) {
    if (!insideEllipse(x, y, openX, cy, rx * 0.78, ry * 0.86)) return shade(METAL, 1.05 - 0.25 * v); // rim
    return shade(INSIDE, 1 - 0.35 * v); // the dark inside of the mouth
  }
  const inBody = x >= closedX && x <= openX && Math.abs(v) <= 1;
  if (!inBody && !insideEllipse(x, y, closedX, cy, rx, ry)) return undefined;
  // Rounded metal: a highlight band above the middle, darker towards the edges.
  const light = 0.62 + 0.45 * Math.exp(-(((v + 0.35) / 0.35) ** 2)) - 0.18 * v * v;
  const onLabel = x > closedX + 22 && x < openX - 22;
  const ridge = !onLabel && Math.abs(((x - closedX) % 14) - 7) < 1.4 ? 0.86 : 1;
  return shade(onLabel ? LABEL : METAL, light * ridge);
}

function sample(x: number, y: number): Rgba {
  if (!insideRoundedRect(x, y, 16, 16, DESIGN - 32, 104)) return [0, 0, 0, 0];
  const t = y / DESIGN;
  let color: Rgba = [mix(0x2a, 0x10, t), mix(0x9d, 0x4e, t), mix(0x8f, 0x6e, t), 1];
  // Sound waves rising from the middle of the string.
  const ring = Math.hypot(x - 256, y - 250);
  if (y < 222 && Math.abs(x - 256) < (250 - y) * 1.1) {
    for (const radius of [60, 100, 140]) {
      if (Math.abs(ring - radius) < 7) color = blend(color, hex('#ffffff'), 0.85 - radius / 400);
    }
  }
  if (distanceToString(x, y) < 4.5) color = hex('#f4d35e');
  const can = canColor(x, y) ?? canColor(DESIGN - x, y);
  return can ?? color;
}

function render(size: number): Buffer {
  const scale = DESIGN / size;
  const rowBytes = size * 4 + 1;
  const raw = Buffer.alloc(rowBytes * size);
  for (let py = 0; py < size; py++) {
    raw[py * rowBytes] = 0; // PNG filter type: none
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const [cr, cg, cb, ca] = sample(
            (px + (sx + 0.5) / SUPERSAMPLE) * scale,
            (py + (sy + 0.5) / SUPERSAMPLE) * scale,
          );
          r += cr * ca;
          g += cg * ca;
          b += cb * ca;
          a += ca;
        }
      }
      const offset = py * rowBytes + 1 + px * 4;
      const n = SUPERSAMPLE * SUPERSAMPLE;
      raw[offset] = a ? Math.round(r / a) : 0;
      raw[offset + 1] = a ? Math.round(g / a) : 0;
      raw[offset + 2] = a ? Math.round(b / a) : 0;
      raw[offset + 3] = Math.round((a / n) * 255);
    }
  }
  return raw;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type: RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(render(size), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = resolve(process.argv[2] ?? 'resources/icon.png');
const size = Number(process.argv[3] ?? 512);
writeFileSync(out, png(size));
console.log(`wrote ${out} (${size}×${size})`);
