import type { RowEnv } from '../../src/renderer/src/components/messages/row-env.ts';
import { Locale } from '../../src/renderer/src/lib/i18n/locale.svelte.ts';

/** What the rows of every list on the benchmark page get: English, no links opened. */
export const env: RowEnv = { t: new Locale().t, locale: 'en', myNick: 'me', onOpenLink: () => {} };
