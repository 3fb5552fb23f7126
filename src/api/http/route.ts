import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { z } from 'zod';
import { NotFoundError } from '../../domain/shared/errors';
import type { OperationSpec } from '../openapi/builder';
import type { ErrorStyleDefinition } from '../openapi/components';
import type { MediaTypeObject, SchemaObject } from '../openapi/types';
import type { KeptAnswers } from './kept-answers';
import { validate } from './validation';

/**
 * One declaration per route: the method, the path, the zod schemas of its path parameters,
 * query and body, the description of its answers, and its handler. `declareRoutes` registers
 * the declarations on an Express router (validating the input with those schemas before the
 * handler runs) and keeps them on the router, where the OpenAPI document reads them
 * (src/api/openapi/declared.ts walks the application's routers). The validation the router does
 * and the document a client reads come from the same schemas, so the two cannot drift.
 *
 *   declareRoutes(router, [
 *     route({
 *       method: 'get', path: '/:id',
 *       params: z.object({ id: z.uuid().describe('The ticket id.') }),
 *       doc: { ...tms, tag, operationId: 'ticketGet', summary: '...', success: [...], statuses: [404] },
 *       before: [permit(P, 'view')],
 *       handle: async (req, res, { params }) => { ... },
 *     }),
 *   ], { tags: [...], schemas: { ... } });
 *
 * Order for each request: `before` (permissions: checked before any body is read), the JSON
 * body parser when `body.json` is declared, `after` (what needs the parsed body, such as
 * Idempotency-Key), then validation of params, query and body, then `handle`. Validation
 * failures throw the typed errors every document's error handler already formats: a path
 * parameter that does not fit its schema names nothing (404, like an unknown id), a query or
 * body that does not fit is a ValidationError (each document's 4xx with per-field messages).
 */

export type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyZod = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/** What the OpenAPI operation says beyond what the schemas give. */
export type RouteDoc = Omit<OperationSpec, 'method' | 'path' | 'pathParams' | 'query' | 'body'> & {
  /** Descriptions of query parameters, by name (a name not in the query schema throws). */
  queryDescriptions?: Record<string, string>;
  /** A multipart body (uploads are parsed by a `before`/`after` middleware, not validated here). */
  multipart?: { schema: SchemaObject; encoding?: MediaTypeObject['encoding']; required?: boolean; description?: string };
  /** A JSON body the handler reads itself (with aliases, beside a multipart form), described by a
   * schema built from the zod schema it validates with. Its JSON parser is a `before`/`after`. */
  json?: SchemaObject;
  /** The body's description and whether it may be left out (default: required when declared). */
  bodyDescription?: string;
  bodyRequired?: boolean;
};

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
}

export interface RouteDeclaration<P extends AnyZod | undefined = AnyZod | undefined, Q extends AnyZod | undefined = AnyZod | undefined, B extends AnyZod | undefined = AnyZod | undefined> {
  method: HttpVerb;
  /** Express path relative to the router the route is declared on: '/', '/:id/read'. */
  path: string;
  params?: P;
  query?: Q;
  /** A JSON body: parsed (up to `bodyLimit`, default 256kb) and validated. */
  body?: B;
  bodyLimit?: string;
  /** How a path parameter that does not fit `params` is answered: 404 (default) or 422. */
  invalidParams?: 'not_found' | 'invalid';
  /** What such a path parameter names in the 404's message ("User not found"); default Resource. */
  entity?: string;
  /** How a query that does not fit `query` is answered: a validation error (default) or 404 (a
   * signed link whose signature is missing names nothing). */
  invalidQuery?: 'invalid' | 'not_found';
  before?: readonly RequestHandler[];
  after?: readonly RequestHandler[];
  /**
   * A GET whose answer is decided by its URL, its caller and the read models alone (no clock, no
   * signed link, no request header): its answers are kept, from a URL's second asking on, and sent
   * again to the same caller until a collection they read changes (kept-answers.ts). Validation
   * and `handle` run only when an answer is made; `before` runs for every request.
   */
  keep?: KeptAnswers;
  doc: RouteDoc;
  handle(req: Request, res: Response, input: RouteInput<Out<P>, Out<Q>, Out<B>>): Promise<void> | void;
}

/** Identity, for type inference of the handler's input from the schemas. */
export function route<P extends AnyZod | undefined = undefined, Q extends AnyZod | undefined = undefined, B extends AnyZod | undefined = undefined>(
  declaration: RouteDeclaration<P, Q, B>,
): RouteDeclaration<P, Q, B> {
  return declaration;
}

/** Tags and component schemas a group of declarations refers to (by `ref('Name')`). */
export interface DeclaredComponents {
  tags?: ReadonlyArray<{ name: string; description: string }>;
  schemas?: Record<string, SchemaObject>;
  /** A document's own error format, by the name its routes give as `doc.errors`. */
  errorStyles?: Record<string, ErrorStyleDefinition>;
}

export interface DeclaredRoutes {
  routes: RouteDeclaration[];
  components: DeclaredComponents[];
}

/** Where declarations live on a router, for the OpenAPI walk. */
export const DECLARED = Symbol.for('isp.declared-routes');

type WithDeclared = { [DECLARED]?: DeclaredRoutes };

export function declaredOn(router: unknown): DeclaredRoutes | undefined {
  if (router === null || (typeof router !== 'object' && typeof router !== 'function')) return undefined;
  return (router as WithDeclared)[DECLARED];
}

function validateParams(declaration: RouteDeclaration, req: Request): unknown {
  if (!declaration.params) return req.params;
  if (declaration.invalidParams === 'invalid') return validate(declaration.params, req.params);
  const parsed = declaration.params.safeParse(req.params);
  if (parsed.success) return parsed.data;
  const name = String(parsed.error.issues[0]?.path[0] ?? 'id');
  throw new NotFoundError(declaration.entity ?? 'Resource', String(req.params[name] ?? ''));
}

function validateQuery(declaration: RouteDeclaration, req: Request): unknown {
  if (declaration.invalidQuery !== 'not_found') return validate(declaration.query!, req.query);
  const parsed = declaration.query!.safeParse(req.query);
  if (parsed.success) return parsed.data;
  throw new NotFoundError(declaration.entity ?? 'Resource', String(req.params.id ?? ''));
}

function handlerOf(declaration: RouteDeclaration): RequestHandler {
  const handle = async (req: Request, res: Response) => {
    const input = {
      params: validateParams(declaration, req),
      query: declaration.query ? validateQuery(declaration, req) : undefined,
      body: declaration.body ? validate(declaration.body, req.body ?? {}) : undefined,
    };
    await declaration.handle(req, res, input as RouteInput<never, never, never>);
  };
  const kept = declaration.keep;
  if (kept === undefined) return handle;
  if (declaration.method !== 'get') throw new Error(`only a GET's answers are kept (${declaration.method} ${declaration.path})`);
  return (req, res) => kept.answer(req, res, () => handle(req, res));
}

/**
 * Registers each declaration on `router` and keeps them (with the components they refer to) on
 * it for the OpenAPI document. Returns the router.
 */
export function declareRoutes<R extends Router>(router: R, declarations: readonly RouteDeclaration<any, any, any>[], components: DeclaredComponents = {}): R {
  const holder = router as unknown as WithDeclared;
  const declared = (holder[DECLARED] ??= { routes: [], components: [] });
  declared.components.push(components);
  for (const d of declarations) {
    const chain: RequestHandler[] = [...(d.before ?? [])];
    if (d.body) chain.push(express.json({ limit: d.bodyLimit ?? '256kb' }));
    chain.push(...(d.after ?? []), handlerOf(d));
    router[d.method](d.path, ...chain);
    declared.routes.push(d);
  }
  return router;
}
