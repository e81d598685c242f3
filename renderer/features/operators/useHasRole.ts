import { roleAllows, type Role } from '../../../shared/contract';
import { useStore } from '../../api/store';
import { useOperators } from './store';

/** Whether the signed-in operator holds `role` or a higher one: the core decides, this only shows it ahead. */
export function useHasRole(role: Role): boolean {
  const operator = useStore(useOperators().operator);
  return operator ? roleAllows(operator.role, role) : false;
}
