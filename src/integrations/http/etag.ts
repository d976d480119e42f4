import { InvalidHeaderError, PreconditionFailedError } from './http-errors.js';

/** What an HTTP precondition asks of a write: `expectedVersion` for `CommandHandler.handle`. */
export type HttpExpectedVersion = number | 'no_stream' | 'stream_exists';

/** A header as Node.js and the frameworks give it: absent, one value, or repeated. */
export type HeaderValue = string | readonly string[] | null | undefined;

const ENTITY_TAG = /^(W\/)?"([\x21\x23-\x7e\x80-\xff]*)"$/;
const VERSION = /^(0|[1-9]\d{0,15})$/;

/**
 * The `ETag` of an aggregate (or stream) at `version`: a strong entity tag
 * holding the version, `"3"`. Send it with every representation of the
 * aggregate; clients echo it in `If-Match` to update it.
 *
 * @example
 * ```ts
 * reply.header('ETag', etagOf(result.version)); // "3"
 * ```
 */
export function etagOf(version: number): string {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw new InvalidHeaderError('ETag', `Invalid version ${String(version)} for an ETag`);
  }
  return `"${version}"`;
}

/**
 * The expected version an `If-Match` header asks for: `undefined` when there
 * is none, `'stream_exists'` for `*`, else the version of its entity tag
 * (`"3"` and, leniently, the weak `W/"3"`: a proxy that compresses may weaken
 * the tags it passes on). A header that is not a list of entity tags throws an
 * {@link InvalidHeaderError} (400); well-formed tags that name no version, or
 * more than one version, throw a {@link PreconditionFailedError} (412): no
 * state of the aggregate can match them all.
 *
 * @example
 * ```ts
 * expectedVersionFromIfMatch('"3"'); // 3
 * expectedVersionFromIfMatch('*'); // 'stream_exists'
 * expectedVersionFromIfMatch(undefined); // undefined
 * ```
 */
export function expectedVersionFromIfMatch(header: HeaderValue): HttpExpectedVersion | undefined {
  const tags = tagsOf('If-Match', header);
  if (tags === undefined) return undefined;
  if (tags === '*') return 'stream_exists';
  const versions = new Set<number>();
  for (const tag of tags) {
    const digits = ENTITY_TAG.exec(tag)?.[2] ?? '';
    if (VERSION.test(digits)) versions.add(Number(digits));
  }
  const [version, ...more] = versions;
  if (version === undefined || more.length > 0) {
    throw new PreconditionFailedError(
      version === undefined
        ? `If-Match ${tags.join(', ')} names no version of this resource`
        : `If-Match names ${versions.size} versions; the resource is at one version at a time`,
    );
  }
  return version;
}

/**
 * The expected version an `If-None-Match` header asks of a write: `'no_stream'`
 * for `*` ("create only if it does not exist yet"), `undefined` without the
 * header. A list of tags is a read's cache check (see {@link isNotModified}),
 * not a write's condition eventfold supports: an {@link InvalidHeaderError} (400).
 *
 * @example
 * ```ts
 * expectedVersionFromIfNoneMatch('*'); // 'no_stream'
 * ```
 */
export function expectedVersionFromIfNoneMatch(header: HeaderValue): 'no_stream' | undefined {
  const tags = tagsOf('If-None-Match', header);
  if (tags === undefined) return undefined;
  if (tags === '*') return 'no_stream';
  throw new InvalidHeaderError(
    'If-None-Match',
    'A write takes only If-None-Match: * (create if absent)',
  );
}

/**
 * The expected version of a write from both precondition headers: `If-Match`,
 * else `If-None-Match: *`, else `undefined` (no condition: the handler retries
 * conflicts). Both at once is an {@link InvalidHeaderError}.
 *
 * @example
 * ```ts
 * const expectedVersion = expectedVersionFromHeaders({ ifMatch: req.headers['if-match'] });
 * ```
 */
export function expectedVersionFromHeaders(headers: {
  readonly ifMatch?: HeaderValue;
  readonly ifNoneMatch?: HeaderValue;
}): HttpExpectedVersion | undefined {
  const ifMatch = expectedVersionFromIfMatch(headers.ifMatch);
  const ifNoneMatch = expectedVersionFromIfNoneMatch(headers.ifNoneMatch);
  if (ifMatch !== undefined && ifNoneMatch !== undefined) {
    throw new InvalidHeaderError('If-None-Match', 'Send If-Match or If-None-Match, not both');
  }
  return ifMatch ?? ifNoneMatch;
}

/**
 * Whether a read can answer `304 Not Modified`: its `If-None-Match` holds the
 * tag of `version` (weak comparison, as RFC 9110 §13.1.2 says) or `*`.
 *
 * @example
 * ```ts
 * if (isNotModified(req.headers['if-none-match'], cart.version)) return res.status(304).end();
 * ```
 */
export function isNotModified(header: HeaderValue, version: number): boolean {
  const tags = tagsOf('If-None-Match', header);
  if (tags === undefined) return false;
  if (tags === '*') return true;
  return tags.some((tag) => ENTITY_TAG.exec(tag)?.[2] === String(version));
}

/** The header's entity tags, `'*'`, or `undefined` when absent; throws when malformed. */
function tagsOf(name: string, header: HeaderValue): readonly string[] | '*' | undefined {
  if (header === undefined || header === null) return undefined;
  const text = (typeof header === 'string' ? [header] : header).join(',').trim();
  if (text === '') throw new InvalidHeaderError(name, `${name} is empty`);
  if (text === '*') return '*';
  const tags = splitTags(text);
  if (tags === undefined) {
    throw new InvalidHeaderError(
      name,
      `${name} must be * or a list of entity tags such as "3": got ${JSON.stringify(text.slice(0, 80))}`,
    );
  }
  return tags;
}

/** `"a", W/"b"` → its tags, or `undefined` when it is not a list of entity tags. */
function splitTags(text: string): string[] | undefined {
  const tags: string[] = [];
  const tag = /\s*((?:W\/)?"[^"]*")\s*(,|$)/y;
  while (tag.lastIndex < text.length) {
    const start = tag.lastIndex;
    const match = tag.exec(text);
    if (match === null || match.index !== start) return undefined;
    const value = match[1] ?? '';
    if (!ENTITY_TAG.test(value)) return undefined;
    tags.push(value);
    if (match[2] === '' && tag.lastIndex < text.length) return undefined;
  }
  return tags.length === 0 ? undefined : tags;
}
