import { ROLES } from '../../domain/user';
import { constant, integer, nullable, object, oneOfValues, string, uuid } from '../openapi/schema';
import type { SchemaObject } from '../openapi/types';

/**
 * The OpenAPI side of /api/auth/* (router.ts): one body that satisfies documents 000 and 001
 * (`sessionBody`), errors in both formats at once (errors.ts).
 */

/** What sessionBody and the message answers write. */
export const AUTH_SCHEMAS: Record<string, SchemaObject> = {
  AuthSession: object(
    {
      success: constant(true),
      token: string('Document 001: the access token.'),
      user: object(
        {
          id: integer("The user's number (document 001's integer id)."),
          name: string(),
          email: string(),
          role: oneOfValues(ROLES),
          department: nullable(string()),
        },
        { description: "Document 001's user." },
      ),
      data: object(
        {
          user: object({
            id: uuid(),
            email: string(),
            role: oneOfValues(ROLES),
            profile: object({ full_name: string(), phone: nullable(string()), avatar: nullable(string()) }),
          }),
          tokens: object({
            access_token: string(),
            refresh_token: string(),
            expires_in: integer('Seconds the access token lives.'),
          }),
        },
        { description: "Document 000's `data`." },
      ),
    },
    { description: 'Login and refresh: document 001 reads `token` and `user`, document 000 `success` and `data`.' },
  ),
  AuthMessage: object({ success: constant(true), message: string(), data: { type: 'null' } }),
};
