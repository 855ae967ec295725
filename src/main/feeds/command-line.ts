import { parse } from 'shell-quote';

/** A command line that cannot be run: the message says why, for the operator. */
export class CommandLineError extends Error {}

/**
 * Characters a shell would give a meaning to outside quotes. shell-quote turns them into operator
 * tokens (and `$NAME` into a variable lookup), losing the spacing around them; a feed runs without
 * a shell, so they must stay literal. Each is swapped for a private-use stand-in before parsing and
 * swapped back in every word after, so quoting still works exactly as shell-quote reads it.
 */
const LITERAL = ';|&<>()#$`*?[]{}!~';
const STAND_IN_BASE = 0xf0000; // Supplementary Private Use Area-A: never in an honest command line
const STAND_INS = [...LITERAL].map((_, i) => String.fromCodePoint(STAND_IN_BASE + i));
const PRIVATE_USE = /[\u{f0000}-\u{ffffd}]/u;

/**
 * Split COMMAND into a program and its arguments the way a shell splits words: spaces separate,
 * single and double quotes group, a backslash escapes. Nothing else a shell does happens: no
 * `;`/`|`/`&&`, no redirection, no `$VAR` or `$(…)` or backticks, no globbing — those characters
 * are passed on as they are. Throws CommandLineError for an empty command or an unclosed quote.
 */
export function splitCommand(command: string): string[] {
  if (PRIVATE_USE.test(command)) throw new CommandLineError('the command contains private-use characters');
  if (hasUnclosedQuote(command)) throw new CommandLineError('the command has an unclosed quote');
  let guarded = command;
  for (let i = 0; i < LITERAL.length; i++) guarded = guarded.replaceAll(LITERAL[i]!, STAND_INS[i]!);
  const words = parse(guarded).map((token) => {
    // With every operator character swapped out, shell-quote has nothing left to make a token of.
    if (typeof token !== 'string') throw new CommandLineError(`cannot read ${JSON.stringify(token)} in the command`);
    let word = token;
    for (let i = 0; i < LITERAL.length; i++) word = word.replaceAll(STAND_INS[i]!, LITERAL[i]!);
    return word;
  });
  if (words.length === 0 || words[0] === '') throw new CommandLineError('the command is empty');
  return words;
}

/** shell-quote silently closes an open quote at the end; a shell would refuse. Walk the quotes once to tell. */
function hasUnclosedQuote(command: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
    } else if (c === '\\') {
      i++; // an escaped character, in or out of double quotes
    } else if (quote === '"') {
      if (c === '"') quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    }
  }
  return quote !== null;
}

/** One `--feed ROOM=COMMAND` flag, read. */
export interface FeedSpec {
  room: string;
  command: string[];
}

/** Read `ROOM=COMMAND` (the room ends at the first `=`). Throws CommandLineError. */
export function parseFeedSpec(spec: string): FeedSpec {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new CommandLineError(`wants ROOM=COMMAND, not ${JSON.stringify(spec)}`);
  return { room: spec.slice(0, eq), command: splitCommand(spec.slice(eq + 1)) };
}
