// Upgrades from every release in UTC and the zones east of it (see
// test/helpers/upgrade-path.ts).
import t from 'tap';
import { upgradeTests } from './helpers/upgrade-path.ts';

upgradeTests(t, ['UTC', 'Australia/Sydney', 'Asia/Kathmandu']);
