/**
 * The gateway's buffer and chunker settings, validated with zod. Flags and (later) the config file
 * both go through these schemas, so an invalid value is reported the same way wherever it came from.
 */
import { z } from "zod";
import { MIN_CAP_BYTES, type BufferOptions } from "../buffer/BufferStore.ts";
import { DEFAULT_CHUNKER, type ChunkerOptions } from "../chunker/Chunker.ts";

export const DEFAULT_BUFFER: Omit<BufferOptions, "path"> = {
  capBytes: 1024 ** 3,
  synchronous: "NORMAL",
  retainAckedMs: 24 * 3_600_000,
  retainAckedBytes: 256 * 1024 ** 2,
};

export const bufferOptionsSchema = z.object({
  path: z.string().min(1, "needs a file path"),
  capBytes: z.number().int().min(MIN_CAP_BYTES, `must be at least ${MIN_CAP_BYTES} bytes`),
  synchronous: z.enum(["NORMAL", "FULL"]),
  retainAckedMs: z.number().min(0),
  retainAckedBytes: z.number().int().min(0),
});

export const chunkerOptionsSchema = z.object({
  lingerMs: z.number().min(1).max(60_000),
  maxFrames: z.number().int().min(1).max(1_000_000),
  maxRawBytes: z
    .number()
    .int()
    .min(4096)
    .max(700 << 10, "must keep a chunk inside one SQS message: at most 716800 bytes raw"),
  zstdLevel: z.number().int().min(1).max(22),
});

export class OptionsError extends Error {
  override readonly name = "OptionsError";
}

/** zod issues as `where: what (got value)` lines, one per problem. */
export function describeIssues(err: z.ZodError, names: Record<string, string>, input: Record<string, unknown>): string {
  return err.issues
    .map((i) => {
      const key = String(i.path[0] ?? "");
      return `${names[key] ?? key}: ${i.message} (got ${JSON.stringify(input[key])})`;
    })
    .join("\n");
}

export function validate<T>(schema: z.ZodType<T>, input: Record<string, unknown>, names: Record<string, string>): T {
  const r = schema.safeParse(input);
  if (!r.success) throw new OptionsError(describeIssues(r.error, names, input));
  return r.data;
}

export { DEFAULT_CHUNKER, type ChunkerOptions };
