import type { Knex } from 'knex';
import { describeIssues, PhoneSettings, type ContactView } from '../../../shared/contract';
import { ContactDef, type SiteFile } from '../../../shared/domain/site';
import { appendAudit, auditActor } from '../audit/audit';
import { ServiceError } from '../errors';
import { loadOverrides, writeOverride } from '../site/overrides';

type Contact = SiteFile['contacts'][number];
type Actor = { id: string; name: string };

const PHONE_KEY = 'phone';
export const DEFAULT_PHONE: PhoneSettings = {
  uriTemplate: 'tel:{number}',
  callbackNumber: '',
  enabled: true,
};

/**
 * The contact directory in force: the site file's contacts with supervisors' edits on top (stored, audited;
 * the site file is never rewritten), and the softphone settings.
 */
export class ContactDirectory {
  private contacts: Contact[] = [];
  private fromSite = new Map<string, string>();
  private phoneSettings: PhoneSettings = DEFAULT_PHONE;

  constructor(
    private readonly db: Knex,
    private readonly site: SiteFile,
  ) {}

  async load(): Promise<void> {
    this.fromSite = new Map(this.site.contacts.map((c) => [c.id, JSON.stringify(c)]));
    this.contacts = await loadOverrides(this.db, 'contact_overrides', this.site.contacts, (d) =>
      ContactDef.parse(d),
    );
    const row = (await this.db('settings').where({ key: PHONE_KEY }).first()) as
      { value: string } | undefined;
    const stored = row ? PhoneSettings.safeParse(JSON.parse(row.value)) : undefined;
    this.phoneSettings = stored?.success ? stored.data : DEFAULT_PHONE;
  }

  list(): ContactView[] {
    return this.contacts.map((c) => ({
      ...c,
      origin: this.fromSite.get(c.id) === JSON.stringify(c) ? ('site' as const) : ('console' as const),
    }));
  }

  find(id: string): Contact | undefined {
    return this.contacts.find((c) => c.id === id);
  }

  /** A step's contact: by id when it is in the directory, else the first of its kind. */
  resolve(ref: { contactId?: string | undefined; contactKind?: string | undefined }): Contact | undefined {
    return (
      (ref.contactId ? this.find(ref.contactId) : undefined) ??
      (ref.contactKind ? this.contacts.find((c) => c.kind === ref.contactKind) : undefined)
    );
  }

  get phone(): PhoneSettings {
    return this.phoneSettings;
  }

  async save(raw: unknown, actor: Actor, at: number): Promise<ContactView> {
    const parsed = ContactDef.safeParse(raw);
    if (!parsed.success)
      throw new ServiceError('invalid_input', `The contact is not valid: ${describeIssues(parsed.error)}`);
    const contact = parsed.data;
    const previous = this.find(contact.id);
    await writeOverride(
      this.db,
      'contact_overrides',
      { id: contact.id, definition: contact, actor, at },
      {
        action: previous ? 'contact.edit' : 'contact.add',
        details: { before: previous ?? null, after: contact },
      },
    );
    await this.load();
    return this.list().find((c) => c.id === contact.id)!;
  }

  async remove(id: string, actor: Actor, at: number): Promise<void> {
    const previous = this.find(id);
    if (!previous) throw new ServiceError('not_found', `There is no contact "${id}".`);
    await writeOverride(
      this.db,
      'contact_overrides',
      { id, definition: null, actor, at },
      { action: 'contact.remove', details: { before: previous } },
    );
    await this.load();
  }

  async setPhone(settings: PhoneSettings, actor: Actor, at: number): Promise<PhoneSettings> {
    await this.db.transaction(async (trx) => {
      await trx('settings')
        .insert({ key: PHONE_KEY, value: JSON.stringify(settings), updated_at: at })
        .onConflict('key')
        .merge();
      await appendAudit(trx, {
        at,
        ...auditActor(actor),
        action: 'phone.settings',
        details: { ...settings },
      });
    });
    this.phoneSettings = settings;
    return settings;
  }
}
