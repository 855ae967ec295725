import type { MessageContentOf, MessageKind, StoredMessage } from '../../../../shared/protocol/index.ts';
import type { Locale, LocaleCode } from '../../lib/i18n/locale.svelte.ts';

/** What every row needs from around it, in one object so the list passes it once. */
export interface RowEnv {
  t: Locale['t'];
  /** The UI language: times are shown in it. */
  locale: LocaleCode;
  myNick: string;
  onOpenLink: (href: string) => void;
  /** A search query to highlight in the text, if any. */
  highlight?: string | undefined;
}

/** Props of the row component for messages of kind `K`. */
export interface RowProps<K extends MessageKind> {
  message: StoredMessage;
  content: MessageContentOf<K>;
  /** Ours (a member's post from this device): never true for operator, host or feed posts. */
  mine: boolean;
  env: RowEnv;
  /** Shown instead of the time, for messages not yet acknowledged. */
  status?: string | undefined;
}
