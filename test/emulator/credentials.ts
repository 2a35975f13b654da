// Known test identities of the emulator. Every request must be SigV4-signed with one of them:
// the long-term key of the first account, or temporary credentials that STS AssumeRole (or
// `emulator.issueCredentials`) handed out for a role in either account.
import { randomChars, UPPER_ALNUM, ALNUM } from './ids';

/** The account the long-term test key belongs to. */
export const TEST_ACCOUNT_ID = '111111111111';

/** A second account, reachable only through AssumeRole of a role that trusts the caller (or `issueCredentials`). */
export const SECOND_ACCOUNT_ID = '222222222222';

/** Every account the emulator knows; a role in any other account cannot be assumed. */
export const TEST_ACCOUNT_IDS: readonly string[] = [TEST_ACCOUNT_ID, SECOND_ACCOUNT_ID];

/** Long-term access key of TEST_ACCOUNT_ID (an IAM user), the shape `@aws-sdk` clients take. */
export const TEST_CREDENTIALS = {
  accessKeyId: 'AKIAEMULATOR1111TEST',
  secretAccessKey: 'EmulatorSecretAccessKey+111111111111+abc',
} as const;

/** The IAM user TEST_CREDENTIALS belong to. */
export const TEST_USER_ARN = `arn:aws:iam::${TEST_ACCOUNT_ID}:user/cdk-ivs-emulator`;

/**
 * A role in the second account that TEST_CREDENTIALS may assume: a fixture the emulator seeds in
 * IAM at start (and after `state.reset()`), trusting every principal of TEST_ACCOUNT_ID.
 */
export const SECOND_ACCOUNT_ROLE_ARN = `arn:aws:iam::${SECOND_ACCOUNT_ID}:role/CdkIvsEmulatorRole`;

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  /** When temporary credentials stop working. */
  readonly expiration?: Date;
}

/** Who signed a request, once the signature is verified. */
export interface Principal {
  readonly account: string;
  /** IAM user ARN, or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string;
  /** AIDA… for the user, AROA…:<session> for an assumed role. */
  readonly userId: string;
  /** For a role session: the role's ARN (with its path), as trust policies name it. */
  readonly roleArn?: string;
  readonly accessKeyId: string;
}

interface KeyRecord {
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
  readonly principal: Principal;
}

export type KeyLookup =
  | { readonly kind: 'ok'; readonly secretAccessKey: string; readonly principal: Principal }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'badToken' }
  | { readonly kind: 'expired' };

/** The access keys the emulator accepts: the fixed long-term key plus issued temporary ones. */
export class KeyStore {
  private readonly keys = new Map<string, KeyRecord>();

  constructor() {
    this.keys.set(TEST_CREDENTIALS.accessKeyId, {
      secretAccessKey: TEST_CREDENTIALS.secretAccessKey,
      principal: {
        account: TEST_ACCOUNT_ID,
        arn: TEST_USER_ARN,
        userId: 'AIDAEMULATORUSER1111',
        accessKeyId: TEST_CREDENTIALS.accessKeyId,
      },
    });
  }

  /**
   * Temporary credentials for a role session, as AssumeRole returns them. `roleId` is the IAM
   * role's unique ID when the role exists in emulator IAM (else one derived from the ARN).
   */
  issue(roleArn: string, sessionName: string, durationSeconds: number, now: Date, roleId?: string): Credentials & { principal: Principal } {
    const [, , , , account, resource] = roleArn.split(':');
    const roleName = resource.slice('role/'.length).split('/').pop()!;
    const accessKeyId = `ASIA${randomChars(16, UPPER_ALNUM)}`;
    // The session ARN names the role without its path (IAM User Guide, "IAM identifiers": assumed-role ARNs).
    const principal: Principal = {
      account,
      arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
      userId: `${roleId ?? `AROA${stableId(roleArn)}`}:${sessionName}`,
      accessKeyId,
      roleArn,
    };
    const record: KeyRecord = {
      secretAccessKey: randomChars(40, ALNUM),
      sessionToken: `IQoJb3JpZ2luX2VtdWxhdG9y${randomChars(120, ALNUM)}`,
      expiration: new Date(now.getTime() + durationSeconds * 1000),
      principal,
    };
    this.keys.set(accessKeyId, record);
    return { accessKeyId, secretAccessKey: record.secretAccessKey, sessionToken: record.sessionToken, expiration: record.expiration, principal };
  }

  lookup(accessKeyId: string, sessionToken: string | undefined, now: Date): KeyLookup {
    const record = this.keys.get(accessKeyId);
    if (!record) return { kind: 'unknown' };
    if (record.sessionToken !== sessionToken) return { kind: 'badToken' };
    if (record.expiration && record.expiration.getTime() <= now.getTime()) return { kind: 'expired' };
    return { kind: 'ok', secretAccessKey: record.secretAccessKey, principal: record.principal };
  }
}

/** A 16-character upper-case ID derived from a string (role IDs stay the same across sessions). */
function stableId(s: string): string {
  let h = 2166136261;
  let out = '';
  for (let i = 0; out.length < 16; i++) {
    h = Math.imul(h ^ s.charCodeAt(i % s.length) ^ i, 16777619) >>> 0;
    out += UPPER_ALNUM[h % UPPER_ALNUM.length];
  }
  return out;
}
