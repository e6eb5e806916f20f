import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KoppelError } from './errors.js';
import { ensurePrivateDataDir, ensurePrivateFile } from './private-files.js';

const VERSION = 'v1';

/**
 * AES-256-GCM encryption of credentials at rest. The stored form is
 * `v1:<iv>:<tag>:<ciphertext>` (base64url), so a key rotation can introduce v2 later.
 */
export class SecretBox {
  private constructor(private readonly key: Buffer) {}

  static fromKey(key: Buffer): SecretBox {
    if (key.length !== 32) throw new Error('SecretBox needs a 32-byte key');
    return new SecretBox(key);
  }

  /**
   * A key given as 64 hex characters or 43/44 base64 characters is used as is; any other text is
   * treated as a passphrase and hashed to 32 bytes.
   */
  static fromText(text: string): SecretBox {
    if (/^[0-9a-f]{64}$/i.test(text)) return new SecretBox(Buffer.from(text, 'hex'));
    const b64 = Buffer.from(text, 'base64');
    if (/^[A-Za-z0-9+/_-]{43}=?$/.test(text) && b64.length === 32) return new SecretBox(b64);
    return new SecretBox(createHash('sha256').update(`koppel-secret-key:${text}`).digest());
  }

  /** The key from the environment, else the one in `<dataDir>/secret.key`, generated once (0600). */
  static load(dataDir: string, keyText: string | undefined): SecretBox {
    if (keyText) return SecretBox.fromText(keyText);
    const file = path.join(dataDir, 'secret.key');
    ensurePrivateDataDir(dataDir);
    if (!existsSync(file))
      writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    ensurePrivateFile(file);
    return SecretBox.fromText(readFileSync(file, 'utf8').trim());
  }

  /**
   * A key for another purpose (signing cookies, CSRF tokens), derived from this one with HKDF: every
   * process with the same secret key derives the same keys, and none of them reveals this one.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.key, Buffer.alloc(0), `koppel:${purpose}`, 32));
  }

  /** Whether both boxes hold the same key, without either key leaving its box. */
  sameKeyAs(other: SecretBox): boolean {
    return timingSafeEqual(this.key, other.key);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      VERSION,
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join(':');
  }

  decrypt(stored: string): string {
    const [version, iv, tag, ct] = stored.split(':');
    if (version !== VERSION || !iv || !tag || ct === undefined) {
      throw new KoppelError('Stored secret has an unknown format', {
        code: 'secrets.bad_format',
        kind: 'internal',
      });
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch (cause) {
      throw new KoppelError(
        'Stored secret cannot be decrypted: is KOPPEL_SECRET_KEY the key it was written with?',
        {
          code: 'secrets.wrong_key',
          kind: 'internal',
          cause,
        },
      );
    }
  }

  encryptJson(value: Record<string, string>): string {
    return this.encrypt(JSON.stringify(value));
  }

  decryptJson(stored: string): Record<string, string> {
    return JSON.parse(this.decrypt(stored)) as Record<string, string>;
  }
}
