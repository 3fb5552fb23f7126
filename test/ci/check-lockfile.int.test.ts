import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * `.ci/check-lockfile` (run by `.ci/run` before `npm install`) fails when package.json and
 * package-lock.json drift apart the way `npm ci` on a clean clone would refuse them.
 */
const ROOT = join(__dirname, '..', '..');
const SCRIPT = join(ROOT, '.ci', 'check-lockfile');

function check(dir?: string): { status: number | null; stderr: string } {
  const run = spawnSync(SCRIPT, dir ? [dir] : [], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, stderr: run.stderr };
}

function withCopy(edit: (pkg: Record<string, any>, lock: Record<string, any>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'lockfile-'));
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8'));
  edit(pkg, lock);
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
  return dir;
}

describe('.ci/check-lockfile', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('passes on the repository: npm ci accepts this package-lock.json', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails when the lock lacks an optional platform package of a locked package (issue 11: @swc/core-darwin-arm64)', () => {
    const dir = withCopy((_pkg, lock) => {
      expect(lock.packages['node_modules/@swc/core-darwin-arm64']).toBeDefined();
      delete lock.packages['node_modules/@swc/core-darwin-arm64'];
    });
    dirs.push(dir);
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Missing: @swc/core-darwin-arm64@');
    expect(result.stderr).toContain('does not agree with package.json');
  });

  it('fails when package.json asks for a version the lock does not hold', () => {
    const dir = withCopy((pkg) => {
      pkg.devDependencies['fast-check'] = '^3.0.0';
    });
    dirs.push(dir);
    const result = check(dir);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/fast-check/);
  });
});
