const { PGlite } = require('@electric-sql/pglite');
(async () => {
  let t = Date.now();
  const db = await PGlite.create({ dataDir: 'memory://' });
  console.log('create memory', Date.now() - t); t = Date.now();
  const dump = await db.dumpDataDir('none');
  console.log('dump', Date.now() - t, dump.size); t = Date.now();
  const db2 = await PGlite.create({ loadDataDir: dump });
  console.log('load', Date.now() - t); t = Date.now();
  console.log((await db2.query('select gen_random_uuid() as u, version() v')).rows);
})();
