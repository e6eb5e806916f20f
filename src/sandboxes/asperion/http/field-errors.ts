import type { Message } from './messages.js';
import { msg } from './messages.js';
import { ProblemError } from './problem-error.js';

/** Collects validation errors by field, so one response lists every problem (ValidationProblemDetails). */
export class FieldErrors {
  private readonly byField = new Map<string, Message[]>();

  add(field: string, message: Message): void {
    const list = this.byField.get(field) ?? [];
    list.push(message);
    this.byField.set(field, list);
  }

  has(field?: string): boolean {
    return field === undefined ? this.byField.size > 0 : this.byField.has(field);
  }

  /** Throws a validation problem (status from settings) when anything was collected. */
  throwIfAny(status: number): void {
    if (this.byField.size === 0) return;
    throw new ProblemError({
      status,
      title: msg('validationTitle'),
      errors: Object.fromEntries(this.byField),
    });
  }
}
