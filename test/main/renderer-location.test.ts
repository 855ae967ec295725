import { describe, expect, it } from 'vitest';
import { isOnOrigin, originOf, rendererLocation } from '../../src/main/renderer-location.ts';

describe('rendererLocation', () => {
  it('loads app://tincan/ in a packaged app, whatever the environment says', () => {
    const expected = { url: 'app://tincan/index.html', origins: ['app://tincan'] };
    expect(rendererLocation({ isPackaged: true, devServerUrl: 'http://localhost:5173/' })).toEqual(expected);
    expect(rendererLocation({ isPackaged: false })).toEqual(expected);
    expect(rendererLocation({ isPackaged: false, devServerUrl: 'not a url' })).toEqual(expected);
  });

  it('loads and trusts the dev server when running from source', () => {
    expect(rendererLocation({ isPackaged: false, devServerUrl: 'http://localhost:5173/' })).toEqual({
      url: 'http://localhost:5173/',
      origins: ['http://localhost:5173', 'app://tincan'],
    });
  });
});

describe('originOf / isOnOrigin', () => {
  it('spells out the origin of app, http and https URLs', () => {
    expect(originOf('app://tincan/index.html')).toBe('app://tincan');
    expect(originOf('APP://TinCan/x')).toBe('app://tincan');
    expect(originOf('http://localhost:5173/a?b')).toBe('http://localhost:5173');
    expect(originOf('https://example.com:443/')).toBe('https://example.com');
    for (const url of ['file:///x', 'about:blank', 'data:text/html,x', 'javascript:1', '', 'app:tincan']) {
      expect(originOf(url), url).toBeNull();
    }
  });

  it('matches whole origins only', () => {
    const origins = ['app://tincan'];
    expect(isOnOrigin('app://tincan/index.html', origins)).toBe(true);
    expect(isOnOrigin('app://tincan.evil/index.html', origins)).toBe(false);
    expect(isOnOrigin('app://tincan:80/index.html', origins)).toBe(false);
    expect(isOnOrigin('https://tincan/', origins)).toBe(false);
  });
});
