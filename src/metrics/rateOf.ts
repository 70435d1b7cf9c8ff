/** Per-second rate of a growing total between successive calls. */
export function rateOf(total: () => number, clock: () => number = Date.now): () => number {
  let lastValue = total();
  let lastAt = clock();
  return () => {
    const v = total();
    const at = clock();
    const r = at > lastAt ? ((v - lastValue) * 1000) / (at - lastAt) : 0;
    lastValue = v;
    lastAt = at;
    return r;
  };
}
