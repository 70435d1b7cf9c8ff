/** What opening or reading a buffer file can go wrong with, told the way a user can act on it. */

export class BufferNotFound extends Error {
  override readonly name = "BufferNotFound";
  constructor(readonly path: string) {
    super(`no buffer database at ${path} (check --db; a gateway creates it on first ingest)`);
  }
}

export class BufferDamaged extends Error {
  override readonly name = "BufferDamaged";
  /** `path` when known; a damaged page met while reading may not say which file it was in. */
  constructor(
    readonly path: string | undefined,
    problem: string,
  ) {
    super(
      `the buffer${path ? ` at ${path}` : ""} cannot be read (${problem}). A gateway or \`canferry ingest\` opening it moves it aside and keeps ` +
        `what can still be read (docs/deploy.md, "A damaged buffer")`,
    );
  }
}
