/** SIGINT/SIGTERM start a clean stop; a second signal while stopping exits at once. */
export function onStopSignals(stop: () => void): () => void {
  let stopping = false;
  const handler = (sig: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`canferry: second ${sig}, exiting without waiting\n`);
      process.exit(130);
    }
    stopping = true;
    stop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}
