/** Stand-alone CLI entry used by the campaign tests (cli/index.ts is owned elsewhere). */
import { Command } from 'commander';
import { register as registerCampaign } from '../../cli/commands/campaign';
import { register as registerMerge } from '../../cli/commands/merge';

const program = new Command('faultline');
registerCampaign(program);
registerMerge(program);
await program.parseAsync(process.argv);
