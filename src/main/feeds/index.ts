// The feeds service's public entry: command feeds and host metrics, posted into rooms through the hub.
export { CommandLineError, parseFeedSpec, splitCommand, type FeedSpec } from './command-line.ts';
export { Feed, type FeedSource, type FeedViewer } from './feed.ts';
export { feedInput, type FeedSession } from './feed-handlers.ts';
export { DEFAULT_FEED_LIMITS, resolveFeedLimits, type FeedLimits } from './feed-limits.ts';
export {
  feedEnvironment,
  FeedService,
  feedServiceOf,
  INHERITED_ENV,
  METRICS_FEED,
  type CommandFeedOptions,
  type FeedServiceOptions,
} from './feed-service.ts';
