import type { Express } from 'express';
import { declaredOn, type DeclaredComponents, type RouteDeclaration } from '../http/route';
import { operation, type BuiltOperation } from './builder';
import type { ErrorStyleDefinition } from './components';
import { fromZod, queryParameters } from './schema';
import { toOpenApiPath } from './routes';
import type { SchemaObject } from './types';

/**
 * The OpenAPI side of route declarations (src/api/http/route.ts): walks the application's
 * routers as Express itself lists them (router 2.3 `listRoutes()`), and turns every declaration
 * found on a router into an operation at the path the router is mounted at. A router mounted
 * twice (an alias prefix) yields its operations under both paths; the operationId of every
 * mount after the first gets the mount's prefix as a suffix, so ids stay unique.
 */

interface RouteInfo {
  path: string | RegExp;
  router?: unknown;
}

interface ListableRouter {
  listRoutes(): RouteInfo[];
}

const isListable = (r: unknown): r is ListableRouter =>
  (typeof r === 'function' || (typeof r === 'object' && r !== null)) && typeof (r as { listRoutes?: unknown }).listRoutes === 'function';

export interface DeclaredOperations {
  operations: BuiltOperation[];
  tags: Array<{ name: string; description: string }>;
  schemas: Record<string, SchemaObject>;
  errorStyles: Record<string, ErrorStyleDefinition>;
}

function pathParams(d: RouteDeclaration, openApiPath: string): Record<string, { schema: SchemaObject; description: string }> | undefined {
  const names = [...openApiPath.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  if (names.length === 0) return undefined;
  const json = d.params ? fromZod(d.params) : { properties: {} };
  const properties = (json.properties ?? {}) as Record<string, SchemaObject>;
  const out: Record<string, { schema: SchemaObject; description: string }> = {};
  for (const name of names) {
    const { description, ...schema } = properties[name] ?? { type: 'string' };
    out[name] = { schema, description: typeof description === 'string' ? description : `The ${name}.` };
  }
  return out;
}

/**
 * A declaration must say what its success answers: each `success` entry a body schema (or other
 * content: a file, CSV, HTML), or, for an answer without a body, a 204 in `extraResponses`.
 * A route declared without one would document nothing a client can rely on; the document is not
 * built (and src/api/openapi/openapi.api.test.ts fails).
 */
export function assertSuccessDocumented(d: RouteDeclaration, path: string): void {
  const where = `${d.method.toUpperCase()} ${path}`;
  const bodiless = d.doc.success.filter((s) => !s.schema && !s.otherContent);
  if (bodiless.length > 0) throw new Error(`${where}: success ${bodiless.map((s) => s.status).join(', ')} is declared without a success schema`);
  const noContent = Object.keys(d.doc.extraResponses ?? {}).includes('204');
  if (d.doc.success.length === 0 && !noContent) throw new Error(`${where}: declared without a success schema (nor a 204 answer)`);
}

export function toOperation(d: RouteDeclaration, fullPath: string, operationIdSuffix = ''): BuiltOperation {
  const path = toOpenApiPath(fullPath);
  assertSuccessDocumented(d, path);
  const { queryDescriptions, multipart, json, bodyDescription, bodyRequired, ...doc } = d.doc;
  const body =
    d.body || multipart || json
      ? {
          required: bodyRequired ?? multipart?.required ?? true,
          ...(bodyDescription ?? multipart?.description ? { description: bodyDescription ?? multipart?.description } : {}),
          ...(d.body ? { json: fromZod(d.body) } : json ? { json } : {}),
          ...(multipart ? { multipart: { schema: multipart.schema, ...(multipart.encoding ? { encoding: multipart.encoding } : {}) } } : {}),
        }
      : undefined;
  return operation({
    ...doc,
    operationId: `${doc.operationId}${operationIdSuffix}`,
    method: d.method,
    path,
    pathParams: pathParams(d, path),
    ...(d.query ? { query: queryParameters(d.query, queryDescriptions) } : {}),
    ...(body ? { body } : {}),
  });
}

export function declaredOperations(app: Express): DeclaredOperations {
  const out: DeclaredOperations = { operations: [], tags: [], schemas: {}, errorStyles: {} };
  const seenComponents = new Set<DeclaredComponents>();
  const mountsOf = new Map<unknown, number>();
  const visit = (router: unknown, prefix: string) => {
    const declared = declaredOn(router);
    if (declared) {
      const mount = mountsOf.get(router) ?? 0;
      mountsOf.set(router, mount + 1);
      const suffix = mount === 0 ? '' : `_${prefix.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`;
      for (const d of declared.routes) out.operations.push(toOperation(d, `${prefix}/${d.path}`, suffix));
      for (const c of declared.components) {
        if (seenComponents.has(c)) continue;
        seenComponents.add(c);
        for (const tag of c.tags ?? []) if (!out.tags.some((t) => t.name === tag.name)) out.tags.push(tag);
        for (const [name, schema] of Object.entries(c.schemas ?? {})) {
          if (out.schemas[name] && out.schemas[name] !== schema) throw new Error(`schema ${name} is declared twice`);
          out.schemas[name] = schema;
        }
        Object.assign(out.errorStyles, c.errorStyles ?? {});
      }
    }
    if (!isListable(router)) return;
    for (const entry of router.listRoutes()) {
      if (entry.router !== undefined && typeof entry.path === 'string') visit(entry.router, `${prefix}/${entry.path}`);
    }
  };
  visit((app as unknown as { router: unknown }).router, '');
  return out;
}
