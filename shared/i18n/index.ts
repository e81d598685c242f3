import type { Locale } from '../domain/text';
import { en } from './en';
import { zhCN, type Messages } from './zh-CN';

export const MESSAGES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
export type { Messages };
