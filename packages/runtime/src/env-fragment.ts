import { z } from 'zod';

/**
 * Settings declared once, by the package that owns them: `owner` is that package, `name` tells
 * fragments of one owner apart. Apps compose the fragments they read; the configuration reference
 * (docs/configuration.md) is generated from them.
 */
export interface EnvFragment<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly name: string;
  readonly owner: string;
  readonly shape: S;
}

export const envFragment = <S extends z.ZodRawShape>(owner: string, name: string, shape: S): EnvFragment<S> => ({
  owner,
  name,
  shape,
});

/** The same declarations, a subset of them (an app that reads only some of a fragment's settings). */
export function pickEnv<S extends z.ZodRawShape, const K extends keyof S & string>(
  fragment: EnvFragment<S>,
  keys: readonly K[],
): EnvFragment<Pick<S, K>> {
  const shape = Object.fromEntries(keys.map((k) => [k, fragment.shape[k]])) as Pick<S, K>;
  return { owner: fragment.owner, name: fragment.name, shape };
}

type ShapeOf<F> = F extends EnvFragment<infer S> ? S : never;
type MergedShape<F extends readonly EnvFragment[]> = F extends readonly [
  infer H,
  ...infer R extends readonly EnvFragment[],
]
  ? ShapeOf<H> & MergedShape<R>
  : unknown;
type Flat<T> = { [K in keyof T]: T[K] };
export type ComposedShape<F extends readonly EnvFragment[]> =
  Flat<MergedShape<F>> extends infer M extends z.ZodRawShape ? M : never;

/** An app's environment: the fragments it reads, and the one schema they make. */
export interface AppEnv<S extends z.ZodRawShape = z.ZodRawShape> {
  readonly app: string;
  readonly fragments: readonly EnvFragment[];
  readonly schema: z.ZodObject<S>;
}

/**
 * Composes fragments into one schema. Two fragments declaring the same variable are a programming
 * error (one variable, one owner), so it throws at import rather than letting one silently win.
 */
export function composeEnv<const F extends readonly EnvFragment[]>(
  app: string,
  fragments: F,
): AppEnv<ComposedShape<F>> {
  const shape: Record<string, z.ZodType> = {};
  const from = new Map<string, string>();
  for (const f of fragments) {
    for (const [key, schema] of Object.entries(f.shape)) {
      const seen = from.get(key);
      if (seen !== undefined && seen !== `${f.owner}/${f.name}`)
        throw new Error(`${key} is declared by both ${seen} and ${f.owner}/${f.name}`);
      from.set(key, `${f.owner}/${f.name}`);
      shape[key] = schema as z.ZodType;
    }
  }
  return { app, fragments, schema: z.object(shape) as unknown as z.ZodObject<ComposedShape<F>> };
}

export type EnvOf<A extends AppEnv> = z.infer<A['schema']>;

/** The one boolean parser: true/false, 1/0, yes/no, on/off (any case). */
export const flag = (): z.ZodCodec<z.ZodString, z.ZodBoolean> =>
  z.stringbool({ error: 'must be true or false (also 1/0, yes/no, on/off)' });

/** `a, b ,c` → ['a','b','c']; empty entries dropped. */
export const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

/** A JSON-valued variable, validated with `schema` after parsing. */
export const jsonOf = <S extends z.ZodType>(schema: S) =>
  z
    .string()
    .transform((s, ctx) => {
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** The same declarations, each optional: an app that reads a setting only when it is set (and defaults it itself). */
export function optionalEnv<S extends Record<string, z.ZodType>>(
  fragment: EnvFragment<S>,
): EnvFragment<{ [K in keyof S]: ReturnType<S[K]['optional']> }> {
  const shape = Object.fromEntries(Object.entries(fragment.shape).map(([k, s]) => [k, s.optional()])) as unknown as {
    [K in keyof S]: ReturnType<S[K]['optional']>;
  };
  return { owner: fragment.owner, name: fragment.name, shape };
}

interface Inspectable {
  description?: string;
  meta?: () => Record<string, unknown> | undefined;
  def?: { innerType?: unknown; in?: unknown };
}

/**
 * What the configuration reference shows for one setting: its description and documented default,
 * from the declaration or a wrapper around it (a picked-and-optional copy, a pipe).
 */
export function settingDoc(schema: unknown): { description?: string; default?: unknown } {
  const seen = new Set<unknown>();
  let s = schema as Inspectable | undefined;
  const doc: { description?: string; default?: unknown } = {};
  while (s && !seen.has(s)) {
    seen.add(s);
    const meta = typeof s.meta === 'function' ? s.meta() : undefined;
    doc.description ??= s.description ?? (meta?.description as string | undefined);
    if (meta && 'default' in meta && !('default' in doc)) doc.default = meta.default;
    s = (s.def?.innerType ?? s.def?.in) as Inspectable | undefined;
  }
  return doc;
}
