// Upgrades from every release in a zone west of UTC and in Chatham, whose
// offset is 12:45 and 13:45 (see test/helpers/upgrade-path.ts).
import t from 'tap';
import { upgradeTests } from './helpers/upgrade-path.ts';

upgradeTests(t, ['America/Los_Angeles', 'Pacific/Chatham']);
