/**
 * Sentences as the RouterOS API gives them meaning: a command sentence is a command word
 * (`/ppp/secret/print`), attribute words (`=name=value`), API attributes (`.tag=7`,
 * `=.id=*1`) and query words (`?name=value`); a reply sentence starts with a reply word:
 *
 *   !re     one item of data (`=attribute=value` words)
 *   !done   the command finished (may carry `=ret=`, e.g. the id of an added item)
 *   !trap   the command failed (`=category=`, `=message=`); `!done` still follows
 *   !empty  the command has no data at all (RouterOS 7.18 and later); `!done` still follows
 *   !fatal  the router closes the connection; the next word is the reason
 *
 * Every reply to a tagged command carries the same `.tag`.
 */

export type ReplyType = 're' | 'done' | 'trap' | 'empty' | 'fatal';

export interface Reply {
  type: ReplyType;
  tag: string | null;
  /** `=name=value` words, by name (`.id` included). */
  attributes: Record<string, string>;
  /** Words that are not attributes (the reason of a !fatal, unknown words). */
  words: string[];
}

const REPLY_TYPES: Record<string, ReplyType> = { '!re': 're', '!done': 'done', '!trap': 'trap', '!empty': 'empty', '!fatal': 'fatal' };

/** A reply sentence, or null when its first word is not a reply word this client knows. */
export function parseReply(sentence: readonly string[]): Reply | null {
  const type = REPLY_TYPES[sentence[0] ?? ''];
  if (!type) return null;
  const reply: Reply = { type, tag: null, attributes: {}, words: [] };
  for (const word of sentence.slice(1)) {
    if (word.startsWith('.tag=')) reply.tag = word.slice(5);
    else if (word.startsWith('=') && word.indexOf('=', 1) > 0) {
      const eq = word.indexOf('=', 1);
      reply.attributes[word.slice(1, eq)] = word.slice(eq + 1);
    } else reply.words.push(word);
  }
  return reply;
}

/** `=name=value` for each attribute; values may be empty and may contain `=`. */
export function attributeWords(attributes: Record<string, string | number | boolean | undefined>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    out.push(`=${name}=${typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)}`);
  }
  return out;
}

/** `?name=value` for each query term (all must hold: the API ANDs consecutive query words). */
export function queryWords(query: Record<string, string>): string[] {
  return Object.entries(query).map(([name, value]) => `?${name}=${value}`);
}

/** A command sentence as words: command, attributes, queries, then the tag. */
export function commandWords(
  command: string,
  options: { attributes?: Record<string, string | number | boolean | undefined>; query?: Record<string, string>; tag?: string } = {},
): string[] {
  if (!command.startsWith('/')) throw new TypeError(`a RouterOS command starts with '/': ${command}`);
  return [
    command,
    ...attributeWords(options.attributes ?? {}),
    ...queryWords(options.query ?? {}),
    ...(options.tag !== undefined ? [`.tag=${options.tag}`] : []),
  ];
}
