/**
 * Reading a synthesized cloud assembly (`cdk.out`): the stack artifact and its template, and the
 * file assets a Lambda function's `Code` points at (S3Key `<hash>.zip` → the asset manifest's
 * entry with that object key → `cdk.out/asset.<hash>/`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JsonObject } from './intrinsics';

export interface StackArtifact {
  /** Directory of the (possibly nested) assembly that holds the template. */
  readonly assemblyDir: string;
  readonly artifactId: string;
  /** The CloudFormation stack name (the artifact's `stackName`, else its id). */
  readonly stackName: string;
  readonly templateFile: string;
  readonly template: JsonObject;
  /** From the artifact's environment, when it is not `unknown-*`. */
  readonly account?: string;
  readonly region?: string;
  /** File assets of the stack's asset manifests: object key → absolute source path. */
  readonly assetsByObjectKey: ReadonlyMap<string, AssetSource>;
}

export interface AssetSource {
  readonly hash: string;
  readonly path: string;
  readonly packaging: string;
}

interface ManifestArtifact {
  readonly type: string;
  readonly environment?: string;
  readonly properties?: Record<string, unknown>;
  readonly dependencies?: string[];
  readonly displayName?: string;
}

interface Found {
  readonly dir: string;
  readonly id: string;
  readonly artifact: ManifestArtifact;
  readonly artifacts: Record<string, ManifestArtifact>;
}

function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`harness: cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

function stackArtifacts(dir: string, out: Found[] = []): Found[] {
  const manifest = readJson(path.join(dir, 'manifest.json'));
  const artifacts = (manifest.artifacts ?? {}) as Record<string, ManifestArtifact>;
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'aws:cloudformation:stack') out.push({ dir, id, artifact, artifacts });
    if (artifact.type === 'cdk:cloud-assembly') {
      const sub = String(artifact.properties?.directoryName ?? '');
      if (sub) stackArtifacts(path.join(dir, sub), out);
    }
  }
  return out;
}

/**
 * Loads one stack of an assembly. `stackName` may be the artifact id, its display name
 * (`Stage/Stack`) or its CloudFormation stack name; it may be omitted when there is one stack.
 */
export function loadStack(assemblyDir: string, stackName?: string): StackArtifact {
  const dir = path.resolve(assemblyDir);
  const all = stackArtifacts(dir);
  const nameOf = (f: Found) => String(f.artifact.properties?.stackName ?? f.id);
  const candidates = stackName === undefined
    ? all
    : all.filter((f) => f.id === stackName || f.artifact.displayName === stackName || nameOf(f) === stackName);
  if (candidates.length !== 1) {
    const names = all.map((f) => f.artifact.displayName ?? f.id).join(', ') || '(none)';
    throw new Error(stackName === undefined
      ? `harness: ${dir} has ${all.length} stacks (${names}); name the one to deploy`
      : `harness: no single stack "${stackName}" in ${dir}; stacks: ${names}`);
  }
  const found = candidates[0];
  const templateFile = path.join(found.dir, String(found.artifact.properties?.templateFile));
  const env = /^aws:\/\/([^/]+)\/(.+)$/.exec(found.artifact.environment ?? '');
  const known = (v: string | undefined) => (v && !v.startsWith('unknown-') ? v : undefined);

  const assets = new Map<string, AssetSource>();
  for (const dep of found.artifact.dependencies ?? []) {
    const a = found.artifacts[dep];
    if (a?.type !== 'cdk:asset-manifest') continue;
    const manifest = readJson(path.join(found.dir, String(a.properties?.file)));
    for (const [hash, entry] of Object.entries<any>(manifest.files ?? {})) {
      for (const dest of Object.values<any>(entry.destinations ?? {})) {
        assets.set(String(dest.objectKey), {
          hash,
          path: path.resolve(found.dir, String(entry.source?.path)),
          packaging: String(entry.source?.packaging ?? 'file'),
        });
      }
    }
  }

  return {
    assemblyDir: found.dir,
    artifactId: found.id,
    stackName: nameOf(found),
    templateFile,
    template: readJson(templateFile),
    account: known(env?.[1]),
    region: known(env?.[2]),
    assetsByObjectKey: assets,
  };
}

/**
 * The directory holding a Lambda function's code, from its (resolved) `Code.S3Key`.
 * The asset manifest decides; `asset.<hash>` next to the template is the fallback when the
 * manifest does not list the key (e.g. a hand-edited assembly).
 */
export function assetDirectory(stack: StackArtifact, s3Key: string): string {
  const entry = stack.assetsByObjectKey.get(s3Key);
  if (entry) {
    if (entry.packaging !== 'zip' || !fs.statSync(entry.path).isDirectory()) {
      throw new Error(`harness: asset ${entry.hash} (${entry.path}) is a ${entry.packaging} file, not a directory; only directory assets can run locally`);
    }
    return entry.path;
  }
  const hash = path.basename(s3Key).replace(/\.zip$/, '');
  const fallback = path.join(stack.assemblyDir, `asset.${hash}`);
  if (fs.existsSync(fallback) && fs.statSync(fallback).isDirectory()) return fallback;
  throw new Error(`harness: no asset for S3 key ${s3Key} in ${stack.assemblyDir} (not in the asset manifest, no asset.${hash}/)`);
}
