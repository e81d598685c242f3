import { expect, type Locator } from '@playwright/test';
import { PageObject } from './page-object';

/** Training and certificates (the operator menu's 培训与证书): the two lists and the supervisor's forms. */
export class TrainingView extends PageObject {
  readonly root = this.testId('training-dialog');
  readonly rule = this.root.getByTestId('training-rule');
  readonly attention = this.root.getByTestId('training-attention');
  readonly certificates = this.root.getByTestId('certificate-row');
  readonly records = this.root.getByTestId('record-row');
  readonly certificateForm = this.testId('certificate-form');
  readonly recordForm = this.testId('record-form');

  /** By its shortcut, as at the desk (the operator menu has it too). */
  async open(): Promise<void> {
    await this.page.keyboard.press('Alt+t');
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await expect(this.root).toBeHidden();
  }

  async tab(tab: 'certificates' | 'records'): Promise<void> {
    await this.root.getByTestId(`training-tab-${tab}`).click();
  }

  /** The certificate rows of a person, by the name shown. */
  certificatesOf(name: string): Locator {
    return this.certificates.filter({ hasText: name });
  }

  /** Picks an option of one of the form's drop-downs by its visible text. */
  private async choose(field: Locator, option: string | RegExp): Promise<void> {
    await field.click();
    await this.page.getByRole('option', { name: option }).click();
  }

  async addCertificate(c: {
    person: string | RegExp;
    kind?: string | RegExp;
    number: string;
    issuedOn: string;
    expiresOn: string;
    issuedBy: string;
  }): Promise<void> {
    await this.root.getByTestId('training-add-certificate').click();
    const form = this.certificateForm;
    await this.choose(form.getByTestId('certificate-person-select'), c.person);
    if (c.kind) await this.choose(form.getByTestId('certificate-kind-select'), c.kind);
    await form.getByTestId('certificate-number').fill(c.number);
    await form.getByTestId('certificate-issued').fill(c.issuedOn);
    await form.getByTestId('certificate-expires').fill(c.expiresOn);
    await form.getByTestId('certificate-issuer').fill(c.issuedBy);
  }

  async addRecord(r: {
    person: string | RegExp;
    course: string;
    on: string;
    hours: string;
    trainer: string;
  }) {
    await this.root.getByTestId('training-add-record').click();
    const form = this.recordForm;
    await this.choose(form.getByTestId('record-person-select'), r.person);
    await form.getByTestId('record-course').fill(r.course);
    await form.getByTestId('record-on').fill(r.on);
    await form.getByTestId('record-hours').fill(r.hours);
    await form.getByTestId('record-trainer').fill(r.trainer);
  }

  /** Submits the open form by Enter in its first text field, as at the desk. */
  async submit(form: 'certificate' | 'record'): Promise<void> {
    await this.testId(form === 'certificate' ? 'certificate-number' : 'record-course').press('Enter');
  }
}
