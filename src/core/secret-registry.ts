/**
 * Plaintext secrets known to this process (decrypted credentials, tokens as they rotate). The
 * logger and error formatters scrub every registered value from their output, so a secret that
 * slipped into a message or a provider's error text still never reaches a log line.
 */
export class SecretRegistry {
  private readonly values = new Set<string>();

  add(value: string | null | undefined): void {
    // Very short values would scrub ordinary words; real credentials are long.
    if (value && value.length >= 8) this.values.add(value);
  }

  scrub(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('[redacted]');
    return out;
  }

  get size(): number {
    return this.values.size;
  }
}
