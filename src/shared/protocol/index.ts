export * from './version.ts';
export * from './limits.ts';
export * from './fields.ts';
export * from './error-codes.ts';
export * from './close-codes.ts';
export * from './client-frames.ts';
export * from './host-frames.ts';
export * from './codec.ts';
