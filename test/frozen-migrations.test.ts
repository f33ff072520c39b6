// Released migrations are frozen: a fresh install and an upgraded one must
// run the same SQL. Each released migration and every SQL file it reads is
// pinned by its SHA-256 here; a change to one fails this test. To change a
// definition, add a migration (and new files) instead.
// A new migration is added to this list when it is released.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t from 'tap';

const RELEASED: Record<string, string> = {
  'migrations/0001_analytics-schema.sql': '80814d797ed00c455383a5256b894e075f138cb2fcabc825a037fd3ee5e8d072',
  'migrations/0002_sql-core.js': '385e6950778287e635a24a5188f5ec9974b6092e221c698aa7f8bcd029e610ca',
  'migrations/0003_scheduler.js': '28193e48221ba332e57d3065d5afa803d552dcf39fd4c0d5dc286af4b791590e',
  'migrations/0004_refresh-through-stored-history.js': 'c3bc1d6e4eb85efe2ed84892e3a22980fa3987cc71097328fed857963b669051',
  'migrations/0005_admin-api.js': 'c00698307e217f4ac5ee11e0e7eababc6a8b092933d9213e76a219b0194462ac',
  'migrations/0006_change-capture.js': 'e2469b339ae9bfb06a4e9c270ff43d3e0a8ca87354b961be067b2cb2190907d7',
  'sql/core/00-settings.sql': 'df5af978488c31cfebdde607857ed72edbde485647ed2d436819a3781f00e91c',
  'sql/core/01-invalidation-log.sql': '38b8ba04976dbce8d894439fe5736e6de8bebe8113fb6a51ba2c26f2d81b9447',
  'sql/core/02-rollups.sql': '419b01ea69141732969d6f74cb7ebce8fffdba6c2c718d490a7164f5a08298ca',
  'sql/core/03-compute.sql': 'd6e937129fc5f429ec5fed09b543e4e1ff214437b21aae55f76ec705ff902fa9',
  'sql/core/04-refresh.sql': 'b0bb5de5bc73425975407e5bfead3d849f1c3c902d1f493f900c54ee1478381d',
  'sql/core/05-reports.sql': '436e87429ac26f6651dd0e8170beee1ce908dd54748e5e0fc7830a40f9d9d6db',
  'sql/core/06-verify.sql': 'e84e1bd784412691dc7dd7cf8627f3924c83e0eeeb0988f4be2a77102003c157',
  'sql/core/07-sources.sql': '067f27b1c2d4c6a88315f904d2003f6d0172b1ab95540be6c2681df5eb682460',
  'sql/core/08-access.sql': 'b7ed6ba9448d2b5918ce690184223b5bec2f764042c9061443044697b53cf6c5',
  'sql/core/down.sql': 'bdcd75fac7f9b05dc931d553633442000de191d49a2cdcfb39a22a084ceb7821',
  'sql/scheduler/refresh-buckets.sql': '9ecd91cf935c0e8be60ceccb11cb1c8e96aea40cea6fe442da1695ab221dbee9',
  'sql/scheduler/down.sql': 'a6506d08e5b544e1572177c7a21d4675a32caae9eefbde982be4a774034208cb',
  'sql/api/metrics.sql': '68ddef57c1c717c07d615afc1434616013a6dbf58f1a078707145aca0d89a302',
  'sql/api/down.sql': 'c03a0dca5374979999fbf7f173b9c9adc0828141a1fce56f634d1f9b7bf7771c',
  'sql/capture/01-log.sql': '7ccb3e5386b35befbc934b49fbf658538f2e792dbf6e8a6227a6a217c8069bf9',
  'sql/capture/02-triggers.sql': '8693a426795c63f77e4f2363cf2e0899ee733b510e3035e511b5438a5ee5fe51',
  'sql/capture/03-refresh.sql': '66911701ed6990ca265845658811090515ce7b63de00e8bb564bb09357bf4d11',
  'sql/capture/04-buckets.sql': '4807b47c4ed77c70d48875993e1bf300d7a5e8991f2da40964eaf278b62ff4ff',
  'sql/capture/down.sql': '12e5867f0019c3e0cbfe996b9cc606f98d102a941a9dc9ffe3141b4b3f381834',
  'migrations/0007_operations.js': 'a80267f9690f2a9fdcb1a19c9ed48fab2316cbd8cebd2f14933be9fd5f2780d6',
  'sql/operations/01-timezone.sql': '71fd8a9099219e0141f55b326b27bef73f812c57659dceaeb57d4f994a6ca87f',
  'sql/operations/02-verify.sql': '6727483f6c403a9d99a83b849e2432c7c25b5f4c0d46b4c088f38b9cffb3fb55',
  'sql/operations/09-search-path.sql': '0f5cf074fd51fbee0c3458200d6f90590b6025f5e2b5e0805b495e72352c58b5',
  'sql/operations/down.sql': 'efa3587d854dc35af4ac12ba7532394b0944dff18b87016328649251f8a93999',
  'migrations/0008_refresh-writes-only-changes.js': '815a4e9c021659f958f0fd8d9ad5c592c3e39729bcdd3ad98e8c574c66653c24',
  'sql/refresh-diff/refresh.sql': '0793410bd1a018946bbed7f2097340aa50a9fe08e03f5decad1de27c37980a15',
  'sql/refresh-diff/down.sql': 'da2d40138eb2829fb39583639dadda477864cdb8961f151e264f6ad455876fda',
  'migrations/0009_report-relations.js': 'cc9467c426c245094e16212edae0064a8fca6c5c70e41b50e26978d225e015ed',
  'sql/report/01-schema.sql': 'dca1bc59d6b1b6940fc629139380197612150ebeb9b628584d0a68ba528a9898',
  'sql/report/02-platform.sql': '5818b56e858cef62e3dd2e9586098b32d8736f938b3a899b93df80a96e830de8',
  'sql/report/03-content.sql': '416d2fc3b6d05ed0612dc75255b41a5efe9891f4c6bd4bde60565e7a854f7bc4',
  'sql/report/04-users.sql': 'fa4dc930f9973951dd8794100b4e23426fb3711ea8397765baa6cc3389a7d5b4',
  'sql/report/07-column-comments.sql': '7ec0c6a00bb2edfee13e342bcfccba989c60df3086db057a48939ee6a5a9dd10',
  'sql/report/08-user-known.sql': '82d55e4772b9eef9d0c50bfda95f0ea38bdca4a9e0ef550e95d1a2fea1faa1ea',
  'sql/report/09-access.sql': '6115be93b4ae2e4cbbe2217df2d1513e8b6665a3356b2ee6cf404892dfd4e7e2',
  'sql/report/down.sql': 'cee4ecef8a8a55935f0eb8bd6a100e3275fae837679ae141f36303e69c1dbff7',
  'migrations/0010_refresh-at-the-floor.js': '841715ecbe9383767006969782cb2bdfbc54e3e6e5107957876fd19d25d1e14c',
  'sql/refresh-floor/01-compute.sql': '8189d77142aeb83f8e395a796bb6b77ccafb85b1829af5dfd020f0491f4223aa',
  'sql/refresh-floor/02-derive.sql': '2b18fa109d2c74a2e891dfcd9a605c6a7c017920e39ff264008b4274bcf06404',
  'sql/refresh-floor/03-refresh.sql': 'b572d2a9f265c9c35feaebcedcae0d247b2529072bb60ef4ab23763004855814',
  'sql/refresh-floor/down.sql': '3d429ef384118637e791013a9d7b2d89bf9bcc408609b39a07facd2604564c47',
  'migrations/0011_reads-at-the-floor.js': '9fc7958356e615d1ba144951eb0e45d839207d5ec0fc0b979ea454fdd6d5566f',
  'sql/read-floor/01-reports.sql': '36fc7975a149dcda4c2d00850d24d8294c6a304df95fcece8ed6c302ecb603a6',
  'sql/read-floor/02-compute-signups.sql': 'e95e72b4a3097787426245ea2fd1826e9ff8ee8244774db4657bef2a2239b8c0',
  'migrations/0012_session-updates-keep-criteria.js': '09f1df07ef9bc7d1aab5cc0e2ef53ddfb23da3323f732429ce7c35e8b245e9e9',
  'sql/session-sums/01-log.sql': '154dec45452753f7266a5423d2a79bab3ab397a5b261a4c6e934366b3f326737',
  'sql/session-sums/02-capture.sql': '84cd5b7ce303c79fc90e410481a7aa0c2880477b91146419fce98da6a2799dd0',
  'sql/session-sums/03-refresh.sql': '3d83e0e329517766d07f29f1676d950fbb7404298ca8717c487bf7cef50eaa91',
  'sql/session-sums/down.sql': '5fb528d7ff16773d4ab768e61dead0ec5c342476d13f5f94f354345f67a70f26',
  'migrations/0013_reads-reaching-today.js': 'e32900f1e1229d0f1fd5cfae1e1171fddb4e909b7f3b4ac5706cc114b1cee308',
  'sql/read-today/01-signups-index.sql': '76e708e89d6568498694106b1eb7c83cdd79feec4526a150107578cb980f61f7',
  'sql/read-today/02-retention.sql': '784175ba31c98e70964c087d2369e7005af591c0e52e8aec3f174473dd4a4b9b',
  'sql/read-today/03-user-activity.sql': '133fa3cb18a09a0ce682265fbaf08ca96f6799a90f820f84ea4989bfeff7bc3e',
  'sql/read-today/down.sql': '98744f0d6356cd50856c41e4272adc75081d3298ebdf9317a84c8b22737c180f',
  'migrations/0014_first-install-marks.js': 'fd2b5f880d9feef5666daa9dbace6f6ff267564cb8863303bc18dd90a269428b',
  'sql/first-install/01-due-buckets.sql': '35e71a174da4cc98e386bb27d335322471b698d94910bb1211d8b2118a1f0e6f',
  'sql/first-install/02-marks.sql': 'c2cbc2864f6481db34805d1f4201f59307c03152eff37109ee982d47a61e7b0d',
  'sql/first-install/down.sql': 'da58961a71d9547a7759fcde30745a9319136fafad4ad11b36983aa26010f497',
};

t.test('no released migration or SQL file it applies has changed', async (t) => {
  for (const [file, pinned] of Object.entries(RELEASED)) {
    const actual = createHash('sha256').update(readFileSync(new URL(`../${file}`, import.meta.url))).digest('hex');
    t.equal(actual, pinned, `${file} is released and frozen`);
  }
});
