/** Where a JSON text first stops being valid JSON, and why. */
export interface JsonSyntaxError {
  /** 0-based offset in the text. */
  offset: number;
  message: string;
}

class SyntaxStop extends Error {
  readonly offset: number;
  constructor(offset: number, message: string) {
    super(message);
    this.offset = offset;
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WORD = /[A-Za-z_$][\w$]*/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/**
 * Find the first JSON syntax error in `text` with a message a person can act on (Node's `JSON.parse` message
 * gives no position on some errors and echoes the whole input on others). A key repeated in one object is an
 * error too: `JSON.parse` would silently keep only the last value. `describePosition` turns an offset
 * into words (`line 3, column 7`) for errors that point back at an unclosed bracket. Returns `undefined` for
 * valid JSON.
 */
export function locateJsonSyntaxError(
  text: string,
  describePosition: (offset: number) => string,
): JsonSyntaxError | undefined {
  let i = 0;
  let comma = 0;
  const opened: number[] = [];

  const found = (at: number): string => {
    if (at >= text.length) return "the end of the input";
    const char = text[at]!;
    return char === "\n" ? "a line break" : JSON.stringify(char);
  };
  const stop = (message: string, at = i): never => {
    if (at >= text.length && opened.length > 0) {
      const open = opened[opened.length - 1]!;
      throw new SyntaxStop(
        at,
        `${message}; the "${text[open]}" at ${describePosition(open)} is never closed`,
      );
    }
    throw new SyntaxStop(at, message);
  };
  const skipSpace = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };

  const readString = (): void => {
    const start = i;
    i++;
    for (;;) {
      if (i >= text.length) stop(`the string that starts at ${describePosition(start)} is never closed`, i);
      const char = text[i]!;
      if (char === '"') {
        i++;
        return;
      }
      if (char === "\\") {
        const next = text[i + 1];
        if (next === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) i += 6;
        else if (next !== undefined && ESCAPES.has(next)) i += 2;
        else stop(`invalid escape "\\${next ?? ""}" in a string`);
        continue;
      }
      if (char.charCodeAt(0) < 0x20) {
        stop("a raw line break or control character inside a string: write it as \\n or \\t");
      }
      i++;
    }
  };

  const readValue = (): void => {
    skipSpace();
    const char = text[i];
    if (char === "{") readObject();
    else if (char === "[") readArray();
    else if (char === '"') readString();
    else if (char === "'") stop("strings must use double quotes in JSON, found '");
    else if (char === "-" || (char !== undefined && char >= "0" && char <= "9")) readNumber();
    else readLiteral();
  };

  const readNumber = (): void => {
    NUMBER.lastIndex = i;
    const match = NUMBER.exec(text);
    if (!match) stop(`invalid number starting with ${found(i)}`);
    else i += match[0].length;
  };

  const readLiteral = (): void => {
    WORD.lastIndex = i;
    const word = WORD.exec(text)?.[0];
    if (word === "true" || word === "false" || word === "null") i += word.length;
    else if (word !== undefined) {
      stop(
        `unexpected word "${word}": JSON values are "strings", numbers, true, false, null, {...} or [...]`,
      );
    } else stop(`expected a value, found ${found(i)}`);
  };

  const readObject = (): void => {
    opened.push(i);
    i++;
    skipSpace();
    if (text[i] === "}") {
      i++;
      opened.pop();
      return;
    }
    const keys = new Map<string, number>();
    for (;;) {
      skipSpace();
      if (text[i] === "}") stop('a trailing comma before "}": remove the comma', comma);
      if (text[i] !== '"') stop(`expected a property name in double quotes, found ${found(i)}`);
      const keyStart = i;
      readString();
      const key = JSON.parse(text.slice(keyStart, i)) as string;
      const first = keys.get(key);
      if (first !== undefined) {
        stop(
          `duplicate key "${key}" (first at ${describePosition(first)}): JSON keeps only the last one, so remove or rename one`,
          keyStart,
        );
      }
      keys.set(key, keyStart);
      skipSpace();
      if (text[i] !== ":") stop(`expected ":" after the property name, found ${found(i)}`);
      i++;
      readValue();
      skipSpace();
      if (text[i] === ",") {
        comma = i;
        i++;
        continue;
      }
      if (text[i] === "}") {
        i++;
        opened.pop();
        return;
      }
      stop(`expected "," or "}" after a property value, found ${found(i)}`);
    }
  };

  const readArray = (): void => {
    opened.push(i);
    i++;
    skipSpace();
    if (text[i] === "]") {
      i++;
      opened.pop();
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] === "]") stop('a trailing comma before "]": remove the comma', comma);
      readValue();
      skipSpace();
      if (text[i] === ",") {
        comma = i;
        i++;
        continue;
      }
      if (text[i] === "]") {
        i++;
        opened.pop();
        return;
      }
      stop(`expected "," or "]" after a list item, found ${found(i)}`);
    }
  };

  try {
    skipSpace();
    if (i >= text.length) return { offset: 0, message: "the input is empty" };
    readValue();
    skipSpace();
    if (i < text.length) stop(`unexpected ${found(i)} after the end of the JSON value`);
    return undefined;
  } catch (error) {
    if (error instanceof SyntaxStop) return { offset: error.offset, message: error.message };
    throw error;
  }
}

/** 1-based line and column of an offset in a text. */
export function computeLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
