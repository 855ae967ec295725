import { describe, expect, it } from 'vitest';
import { CommandLineError, parseFeedSpec, splitCommand } from '../../../src/main/feeds/index.ts';

describe('splitCommand', () => {
  it('splits words and honours quotes and backslashes as a shell would', () => {
    expect(splitCommand('tail -n 20 -F /var/log/syslog')).toEqual(['tail', '-n', '20', '-F', '/var/log/syslog']);
    expect(splitCommand(`printf '%s\\n' "a b" c\\ d`)).toEqual(['printf', '%s\\n', 'a b', 'c d']);
    expect(splitCommand(`echo "it's" 'say "hi"' "a\\"b"`)).toEqual(['echo', "it's", 'say "hi"', 'a"b']);
    expect(splitCommand('  echo   spaced  ')).toEqual(['echo', 'spaced']);
  });

  it('keeps shell metacharacters literal: no operators, redirection, expansion or globbing', () => {
    expect(splitCommand('echo a;b | c && d')).toEqual(['echo', 'a;b', '|', 'c', '&&', 'd']);
    expect(splitCommand('echo $(id) `id` $HOME "${X}" 2>&1 >out')).toEqual([
      'echo',
      '$(id)',
      '`id`',
      '$HOME',
      '${X}',
      '2>&1',
      '>out',
    ]);
    expect(splitCommand('ls *.ts ~ {a,b} # not a comment')).toEqual([
      'ls',
      '*.ts',
      '~',
      '{a,b}',
      '#',
      'not',
      'a',
      'comment',
    ]);
    expect(splitCommand('echo a\\;b')).toEqual(['echo', 'a;b']);
  });

  it('refuses an empty command, an unclosed quote and private-use characters', () => {
    expect(() => splitCommand('   ')).toThrow(CommandLineError);
    expect(() => splitCommand('echo "open')).toThrow(/unclosed quote/);
    expect(() => splitCommand("echo 'open")).toThrow(/unclosed quote/);
    expect(() => splitCommand('echo \u{f0001}')).toThrow(/private-use/);
    expect(splitCommand(`echo "a'b"`)).toEqual(['echo', "a'b"]); // a quote inside the other kind is closed
  });
});

describe('parseFeedSpec', () => {
  it('reads ROOM=COMMAND, the room ending at the first =', () => {
    expect(parseFeedSpec('ops=env A=1 B=2')).toEqual({ room: 'ops', command: ['env', 'A=1', 'B=2'] });
    expect(() => parseFeedSpec('=echo')).toThrow(/ROOM=COMMAND/);
    expect(() => parseFeedSpec('echo hi')).toThrow(/ROOM=COMMAND/);
    expect(() => parseFeedSpec('ops=')).toThrow(/empty/);
  });
});
