// The `npm start` demo: an outage and recovery shown live (CLI/demo issue).
console.log('holdfast demo: will connect to MariaDB and Redis through a FaultProxy, cut the link');
console.log('for a few seconds and show the state stream recover. Not built yet.');
