// Prints the summary of a .cpuprofile written by bench/profile.ts or `node --cpu-prof`:
//   npx tsx bench/support/summarizeProfile.ts /tmp/redis-holdfast.cpuprofile [top]
import { readFileSync } from 'node:fs';
import { type CpuProfile, formatSummary, summarizeProfile } from './cpuProfile.js';

const file = process.argv[2];
if (file === undefined) throw new Error('usage: summarizeProfile.ts <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
console.log(formatSummary(summarizeProfile(profile, Number(process.argv[3] ?? 15))).join('\n'));
