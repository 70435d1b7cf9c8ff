/** An invalid config file, environment variable or flag: shown as is, exit code 2. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}
