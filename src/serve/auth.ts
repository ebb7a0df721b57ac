/**
 * Who may talk to the server. Without a token it listens on loopback only (server.ts refuses
 * anything else) and accepts only requests whose Host is a loopback name, so a web page
 * elsewhere cannot reach it through DNS rebinding. With a token every request needs
 * `Authorization: Bearer <token>`; a browser gets it once from `/?token=<token>`, which sets
 * an HttpOnly, SameSite=Strict cookie for the page's own requests.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const TOKEN_COOKIE = 'convene_token';

const LOOPBACK_HOSTS = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

function same(a: string, b: string): boolean {
  // Hashed first, so the comparison takes the same time whatever the lengths.
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

function cookieToken(req: Request): string | null {
  const header = req.get('cookie');
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function authenticate(token: string | null) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (token === null) {
      if (!LOOPBACK_HOSTS.test(req.get('host') ?? '')) {
        res.status(421).json({ error: 'this server answers requests addressed to localhost only; start it with --token to serve other hosts' });
        return;
      }
      return next();
    }
    const auth = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(auth)?.[1]?.trim() ?? null;
    if (bearer !== null && same(bearer, token)) return next();
    const cookie = cookieToken(req);
    if (cookie !== null && same(cookie, token)) return next();
    const query = req.path === '/' && typeof req.query['token'] === 'string' ? req.query['token'] : null;
    if (query !== null && same(query, token)) {
      res.setHeader('set-cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`);
      // Drop the token from the address bar and history.
      res.redirect(303, '/');
      return;
    }
    res.setHeader('www-authenticate', 'Bearer realm="convene"');
    res.status(401).json({ error: 'missing or wrong token: send Authorization: Bearer <token> (a browser: open /?token=<token> once)' });
  };
}
