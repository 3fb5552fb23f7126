import { z } from 'zod';
import { isRouterHost } from '../../../domain/mikrotik-server';
import { pageQuery } from '../envelope';

/** Request shapes of document 002's Mikrotik servers, in its field names. */

const name = z.string().trim().min(1, 'The name may not be empty.').max(100, 'The name may not be longer than 100 characters.');
const hostIp = z
  .string()
  .trim()
  .refine(isRouterHost, 'The host ip must be an IPv4 or IPv6 address or a host name.')
  .describe('IPv4 or IPv6 address or host name of the router’s API.');
const port = z
  .number()
  .int('The port must be an integer.')
  .min(1, 'The port must be between 1 and 65535.')
  .max(65535, 'The port must be between 1 and 65535.');
const username = z.string().min(1, 'The username may not be empty.').max(100).describe('The router login (API user); stored encrypted, never returned.');
const password = z.string().min(1, 'The password may not be empty.').max(200).describe('Stored encrypted, never returned.');
const rosVersion = z
  .string()
  .trim()
  .regex(/^\d{1,2}(\.\d{1,3}){0,2}(\s*\(\w+\))?$/, 'The ros version must be a RouterOS version such as 7.18 or 6.49.10.')
  .nullable()
  .describe('RouterOS version, e.g. 7.18.');
const useSsl = z.boolean().describe('API-SSL (TLS). Default false.');

export const createServerBody = z.object({
  name,
  host_ip: hostIp,
  port: port.optional().describe('Default 8728 (8729 with use_ssl).'),
  username,
  password,
  ros_version: rosVersion.optional(),
  use_ssl: useSsl.optional(),
});

export const updateServerBody = z.object({
  name: name.optional(),
  host_ip: hostIp.optional(),
  port: port.optional(),
  username: username.optional(),
  password: password.optional(),
  ros_version: rosVersion.optional(),
  use_ssl: useSsl.optional(),
});

const integerId = (what: string) =>
  z
    .string()
    .regex(/^[1-9]\d{0,9}$/)
    .transform(Number)
    .describe(`The ${what} id (a positive integer; anything else is 404).`);

export const serverParams = z.object({ server_id: integerId('Mikrotik server') });
export const syncParams = z.object({ server_id: integerId('Mikrotik server'), pelanggan_id: integerId('pelanggan') });

/** Document 002's paging: `skip` (default 0), `limit` (default 15, at most 100). */
export const listQuery = pageQuery;
