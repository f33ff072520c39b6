// Released migrations are frozen: a fresh install and an upgraded one must
// run the same SQL, whichever files hold it. Each released migration is
// pinned by the SHA-256 of the SQL it executes, up and down, as
// node-pg-migrate receives it (test/helpers/migration-text.ts): moving or
// renaming a file a migration reads is a no-op this test proves, and
// changing a statement fails it. To change a definition, add a migration.
// A migration is added here when it is released.
import t from 'tap';
import { executedSql, migrationFiles } from './helpers/migration-text.ts';

const RELEASED: Record<string, { up: string; down: string }> = {
  '0001_analytics-schema': { up: '80814d797ed00c455383a5256b894e075f138cb2fcabc825a037fd3ee5e8d072', down: '80814d797ed00c455383a5256b894e075f138cb2fcabc825a037fd3ee5e8d072' },
  '0002_sql-core': { up: 'c463f9331ed697a0e91afb6b79b9956c2dcd64952757359b33104eeab491770d', down: 'bdcd75fac7f9b05dc931d553633442000de191d49a2cdcfb39a22a084ceb7821' },
  '0003_scheduler': { up: '9ecd91cf935c0e8be60ceccb11cb1c8e96aea40cea6fe442da1695ab221dbee9', down: 'a6506d08e5b544e1572177c7a21d4675a32caae9eefbde982be4a774034208cb' },
  '0004_refresh-through-stored-history': { up: 'b0bb5de5bc73425975407e5bfead3d849f1c3c902d1f493f900c54ee1478381d', down: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  '0005_admin-api': { up: '68ddef57c1c717c07d615afc1434616013a6dbf58f1a078707145aca0d89a302', down: 'c03a0dca5374979999fbf7f173b9c9adc0828141a1fce56f634d1f9b7bf7771c' },
  '0006_change-capture': { up: '4c00e8c8520d61ad20bd6c55db484a664fd58ad3907bd168c7f217c40edb90ec', down: '6be2bc96906d605a3d1c505443f8653932a7b41fd790cb8f1b855f4acffb8f0a' },
  '0007_operations': { up: '3e009c71b5dbd47b1e43f4df9d186f2b1244440e436dd06afa3bc377a3408ee7', down: 'b6bc139fccc40471265a53a8270af3844e21a6a1d9a24d21d1c365e82fe25644' },
  '0008_refresh-writes-only-changes': { up: '0793410bd1a018946bbed7f2097340aa50a9fe08e03f5decad1de27c37980a15', down: '9e31725e0cfee9a291b401479c24f8222f191a9edd1d096d8b88aacff3028489' },
  '0009_report-relations': { up: '83cfb62fa53df3cc515377e8e06930fe6a140836a6560e9812f0b306f6a1d6fc', down: 'cee4ecef8a8a55935f0eb8bd6a100e3275fae837679ae141f36303e69c1dbff7' },
  '0010_refresh-at-the-floor': { up: '3dba9ae86d4290bb0cbd3c0b32c038cbb99e143c52827e2aa43ca080c703b92a', down: '3f66c9d5d37f16221b06e21d374ae1058d94809c9b120d6591a1b00a56158c30' },
  '0011_reads-at-the-floor': { up: 'ab5b48da4b116edf91a96cfa5ff93f6f08ffdcbfcaf5d0b7ae64bddf26c6d7b2', down: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
  '0012_session-updates-keep-criteria': { up: 'd1a4c6660a8a1497d8a7f1e4a891d17a995d1153df9bab87d327654ec81b495c', down: 'ef6cb22f430a077dcaa42926b8ddf365f8dd1c953d49ea05abec2627034155ca' },
  '0013_reads-reaching-today': { up: '55b4e2e1eb61b07c1f43d1ce2303d55116702db7b0fa0a17b5983f0d1a5c4fc6', down: '5275c8a84f7cb32e4c1d844334099939306b558f9f66f94c58dcf2ac106bd877' },
  '0014_first-install-marks': { up: 'fb24db58f2d9c8fc96cd7a91e872642ac223ced0d42ec0beb5faf7c52d46363d', down: '84fd184914653769a6dbb356fafdd84f219bcbd8f5cf13549f6d8a2dbdd99a4b' },
  '0015_refresh-in-steps': { up: '060a4b68893136a64f9b6e299fc353952f8eebf04151cc66137512e320095e87', down: '76821ef888334239ea92c1fd961efed09422ce49f130c2ae4d82eaf3c2a8b258' },
  '0016_mrr-movements': { up: '05617b547f301d2f280c7c70d871808bcfc3a30e0dedf4d5775a0cbdd1191667', down: '5b520a65f580763aecf6ce00dfdd3cbec749bb9561bd80a81e0031b506ff9b8b' },
  '0017_mrr-movements-api': { up: '8912eb91e1f4cb2667f3b9ca2a8a4d1d9cade8cf434a5ab1874677970ce5a999', down: '865290fea1faa54e648d32d40ee2fdd28d3dacbc5823a6aaedff17c828a752fe' },
  '0018_revenue-per-currency': { up: 'c281900d46cd65c58e3c022a6fc564a3aff2c1ac52c46616cf0b060be8416a29', down: 'c966739bc4a7be883f8bf202c3b7144420c71e477b0852347eada7e9d9b54c38' },
  '0019_restatements': { up: 'f8206be5ef72d86546841c9746e0ea6c78158da550bcb27123541bd0ff1d3145', down: '3a9a7e487df87dd8120f47f7a5e44d13f7c60c49aa812c8f9d60a634c87d0f6c' },
  '0020_logical-capture': { up: 'f43d53d4c7e9e90fec8a0b56c937684a14a5dbb5ab80135a89fccc69aa8784e1', down: '11b3267f442f33bd753d14406d961283c0f3038778a7cd27aefb76aa9996f67d' },
  '0021_logical-capture-parse': { up: '749f8333cb97d6f5c16e1bb4472c61221a01e44aa47ad12a365c55e278404fbd', down: 'f59517358f494ac5ee76edae8b27ac20097d70236bdf50dc13ba637f0f0a544e' },
};

t.test('no released migration executes other SQL than it did when released', async (t) => {
  for (const [name, pinned] of Object.entries(RELEASED)) {
    const file = (await migrationFiles()).find((candidate) => candidate.replace(/\.(js|sql)$/, '') === name);
    if (!file) {
      t.fail(`migration ${name} is released and cannot be removed`);
      continue;
    }
    t.same(await executedSql(file), pinned, `${name} is released and frozen`);
  }
});

t.test('a changed statement changes the pin', async (t) => {
  // the recorder sees every pgm.sql() text: the pins can fail
  const first = await executedSql('0014_first-install-marks.js');
  t.not(first.up, first.down, 'up and down are told apart');
  t.not(first.up, (await executedSql('0013_reads-reaching-today.js')).up, 'two migrations are told apart');
});
