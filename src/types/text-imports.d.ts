/** SQL files imported as text (Bun's `with { type: "text" }`), e.g. the embedded migrations. */
declare module "*.sql" {
  const text: string;
  export default text;
}

/** A file bundled into the program (Bun's `with { type: "file" }`): its path at run time. */
declare module "*.log" {
  const path: string;
  export default path;
}

/** systemd unit files imported as text (`canferry install` carries them). */
declare module "*.service" {
  const text: string;
  export default text;
}

/** sysctl.d snippets imported as text (`canferry install` carries them). */
declare module "*.conf" {
  const text: string;
  export default text;
}
