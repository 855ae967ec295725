import type { MessageContentOf, MessageKind, StoredMessage } from '../../../../shared/protocol/index.ts';
import type { Downloads } from '../../lib/files/downloads.svelte.ts';
import type { FileTransfers } from '../../lib/files/file-transfers.svelte.ts';
import type { Locale, LocaleCode } from '../../lib/i18n/locale.svelte.ts';

/** What a `file` row needs: the host's transfers, this window's downloads, and the lightbox. */
export interface FileRowEnv {
  transfers: FileTransfers;
  downloads: Downloads;
  room: string;
  /** Prefix of this host's download keys. */
  hostKey: string;
  /** The desktop app saves through a dialog ("Save…"); a browser downloads. */
  desktop: boolean;
  /** Connected and in the room: while not, the host's last word on a transfer is old news (no rate). */
  online: boolean;
  onOpenImage: (image: { src: string; name: string; width?: number | undefined; height?: number | undefined }) => void;
}

/** What every row needs from around it, in one object so the list passes it once. */
export interface RowEnv {
  t: Locale['t'];
  /** The UI language: times are shown in it. */
  locale: LocaleCode;
  myNick: string;
  onOpenLink: (href: string) => void;
  /** A search query to highlight in the text, if any. */
  highlight?: string | undefined;
  /** Files of the room (absent where rows are shown without their room, e.g. search results). */
  files?: FileRowEnv | undefined;
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
