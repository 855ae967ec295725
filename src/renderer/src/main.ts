import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import AdminPage from './components/moderation/AdminPage.svelte';
import { AppState } from './lib/app-state.svelte.ts';
import { BrowserNotifications, notificationsContext } from './lib/notify/browser-notifications.svelte.ts';
import { AppSettings, BridgeSettingsBackend, LocalSettingsBackend } from './lib/settings/app-settings.svelte.ts';
import { parseHostAddress } from '../../shared/host-address.ts';
import { parseInvite } from '../../shared/invite.ts';

const target = document.getElementById('app');
if (!target) throw new Error('Tincan: the #app element is missing from index.html');

const bridge = window.tincan;
const settings = new AppSettings(bridge ? new BridgeSettingsBackend(bridge) : new LocalSettingsBackend(localStorage));

// A browser asks for notification rights only when the reader clicks "Notify me of mentions" (Sidebar).
const browserNotifications = bridge ? undefined : new BrowserNotifications(window);

function notify(title: string, body: string): void {
  if (bridge) void bridge.notify({ title, body }).catch(() => {});
  else browserNotifications?.show(title, body);
}

await settings.load().catch((error: unknown) => console.error('[tincan] settings could not be loaded', error));
const app = new AppState({ settings, storage: localStorage, bridge, notify, languages: navigator.languages });

// Served by a Tincan host (a phone's browser): join that host straight away, and the room an
// invite link names (#/join?room=…&token=…).
// /admin of a headless host's web client is its admin view (the admin API, with the secret).
const adminPage = !bridge && location.pathname === '/admin';
if (!adminPage && !bridge && (location.protocol === 'http:' || location.protocol === 'https:')) {
  // location.host omits the port when it is the scheme's default (80/443): put it back.
  const here = `${location.hostname}:${location.port || (location.protocol === 'https:' ? '443' : '80')}`;
  const address = parseHostAddress(new URLSearchParams(location.search).get('host') ?? here);
  const invite = parseInvite(location.href);
  if (invite && address) {
    void app.followInvite(invite, address);
    history.replaceState(null, '', location.pathname + location.search); // the token is not for bookmarks
  } else if (address) {
    // A page from a TLS-only host is https: (the browser accepted its certificate): wss:// then.
    app.connect(address, location.protocol === 'https:');
  }
  // An invite link opened in a tab that already shows the app changes only the hash: follow it too.
  window.addEventListener('hashchange', () => {
    const later = parseInvite(location.href);
    if (!later || !address) return;
    void app.followInvite(later, address);
    history.replaceState(null, '', location.pathname + location.search);
  });
}
// Back in the rooms of the last session, on every host they were on (the page's own host is joined above).
if (!adminPage) app.restoreHosts();

const context = browserNotifications ? notificationsContext(browserNotifications) : undefined;
export default adminPage
  ? mount(AdminPage, { target, props: { app } })
  : mount(App, { target, props: { app }, ...(context ? { context } : {}) });
