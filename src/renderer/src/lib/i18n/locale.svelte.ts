import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type LocaleCode = 'en' | 'zh-CN';
export type LanguageSetting = 'system' | LocaleCode;

const DICTIONARIES: Record<LocaleCode, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** The locale for a setting: 'system' follows the browser's languages, Chinese if it comes first. */
export function resolveLocale(setting: LanguageSetting, languages: readonly string[]): LocaleCode {
  if (setting !== 'system') return setting;
  for (const language of languages) {
    const lower = language.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

/** Fill `{name}` parameters. Unknown parameters stay visible, so a missing one shows up in review. */
export function format(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The current UI language. Views call `t(key, params)`; switching `code` re-renders them. */
export class Locale {
  code = $state<LocaleCode>('en');

  t = (key: MessageKey, params?: Record<string, string | number>): string =>
    format(DICTIONARIES[this.code][key], params);
}

/** The message key for a host error code (codes from a newer host read as `internal`). */
export function errorKey(code: string): MessageKey {
  const key = `error.${code}`;
  return (key in en ? key : 'error.internal') as MessageKey;
}
