/** A URL that may carry user and password, taken apart; or why it cannot be used. */
export type CredentialUrl =
  | {
      readonly ok: true;
      readonly url: URL;
      /** The scheme in lower case, without `:`. */
      readonly scheme: string;
      /** The host without IPv6 brackets. */
      readonly host: string;
      /** Percent-decoded; '' when absent. */
      readonly username: string;
      /** Percent-decoded; '' when absent. */
      readonly password: string;
    }
  | {
      readonly ok: false;
      /** What is wrong, in words that quote nothing of the text (it may hold a password). */
      readonly why: string;
    };

/**
 * Parses `scheme://[user[:password]@]host[:port][/path][?query]` strictly enough that a
 * password can never end up where something else is shown: an unescaped `@` inside the
 * userinfo (`u:p@ss@h`, `u@@p@h`) is refused rather than split somewhere, and so is a URL
 * without `//` (`mysql:/u:p@h` would parse with the credentials in its path) or without host.
 * Every reason is a fixed sentence; callers show it with `describeUnparsedUrl`, never the text.
 *
 * @example
 * parseCredentialUrl('redis://:p%40ss@cache:6380/1'); // { ok: true, password: 'p@ss', host: 'cache', ... }
 */
export function parseCredentialUrl(text: string): CredentialUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) return refuse('it does not start with a scheme and "://"');
  const rest = text.slice(scheme.length + 3);
  const authority = rest.slice(0, firstIndexOf(rest, '/?#'));
  if (authority.indexOf('@') !== authority.lastIndexOf('@')) {
    return refuse('the user name or password holds an unescaped "@" (write it as %40)');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    const hostAndPort = authority.slice(authority.lastIndexOf('@') + 1);
    if (hostAndPort === '' || hostAndPort.startsWith(':')) return refuse('the host is missing');
    if (hostAndPort.startsWith('[') && !hostAndPort.includes(']')) {
      return refuse('an IPv6 address has no closing "]"');
    }
    const port = /:([^:\]]*)$/.exec(hostAndPort)?.[1];
    if (authority.includes('@') && port !== undefined && port !== '' && !/^\d+$/.test(port)) {
      return refuse('the port is not a number');
    }
    if (port !== undefined && /^\d+$/.test(port) && Number(port) > 65535) {
      return refuse('the port is above 65535');
    }
    return refuse('it is not a well-formed URL');
  }
  if (url.hostname === '') return refuse('the host is missing');
  const username = decode(url.username);
  const password = decode(url.password);
  if (username === undefined || password === undefined) {
    return refuse('the user name or password has a malformed %-escape');
  }
  return {
    ok: true,
    url,
    scheme,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    username,
    password,
  };
}

function refuse(why: string): CredentialUrl {
  return { ok: false, why };
}

function firstIndexOf(text: string, characters: string): number {
  for (let index = 0; index < text.length; index += 1) {
    if (characters.includes(text.charAt(index))) return index;
  }
  return text.length;
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
