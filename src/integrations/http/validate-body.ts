import type { StandardSchemaV1 } from '@standard-schema/spec';
import { ValidationError } from '../../core/errors.js';

/**
 * Validates a request body with a Standard Schema (zod, valibot, ArkType…)
 * and returns the schema's output; a body that fails throws a
 * `ValidationError` with the schema's issues, answered `422` with them as `errors`.
 *
 * @example
 * ```ts
 * const { sku, quantity } = await validateBody(AddItem, await request.json());
 * ```
 */
export async function validateBody<S extends StandardSchemaV1>(
  schema: S,
  body: unknown,
): Promise<StandardSchemaV1.InferOutput<S>> {
  const result = await schema['~standard'].validate(body);
  if (result.issues === undefined) return result.value;
  const issues = result.issues.map((issue) => ({
    message: issue.message,
    ...(issue.path === undefined
      ? {}
      : {
          path: issue.path.map((key) =>
            typeof key === 'object' ? (key.key as string | number) : (key as string | number),
          ),
        }),
  }));
  throw new ValidationError(
    `Invalid request body: ${issues.map((i) => (i.path === undefined ? i.message : `${i.path.join('.')}: ${i.message}`)).join('; ')}`,
    issues,
  );
}
