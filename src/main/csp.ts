import type { Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/content-security-policy.ts';

// The policy itself lives in src/shared/content-security-policy.ts, so the host's web build uses it too.
export {
  CONTENT_SECURITY_POLICY,
  CONTENT_SECURITY_POLICY_META,
  CSP_DIRECTIVES,
  CSP_HEADER_ONLY_DIRECTIVES,
  serializeCsp,
} from '../shared/content-security-policy.ts';

type ResponseHeaders = Record<string, string | string[]>;

/**
 * Returns a copy of `headers` whose only Content-Security-Policy is ours. Any policy the response
 * already carried (in any letter case) is dropped rather than merged, so a page cannot loosen it.
 */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

/** Adds the policy header to every response `session` receives (app pages and dev server alike). */
export function applyContentSecurityPolicy(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}
