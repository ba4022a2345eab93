// osls plugin: compiles the runbook before anything is bundled, so every package ships the
// runbook as the functions load it on a cold start, JSON with no YAML parser and no schema
// (docs/runbook.md#compiled-runbooks). It runs the medic command users run (`node bin/medic.js
// compile`), so the package holds exactly what `medic compile` writes; an invalid runbook fails
// the package with medic's own messages, at their line and column.
//
// Source: custom.runbookSource (default runbook.yml). Target: provider.environment.MEDIC_RUNBOOK_FILE,
// the file the functions read, which the package patterns ship. A target that is not .json is
// shipped as it is (the functions still read YAML, with a warning on each cold start).
//
// Listed before serverless-esbuild in serverless.yml: hooks of one event run in plugin order,
// and serverless-esbuild copies the package patterns in its own before:package hook.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export default class CompileRunbook {
  constructor(serverless, _options, { log }) {
    this.serverless = serverless;
    this.log = log;
    const compile = () => this.compile();
    this.hooks = {
      'before:package:createDeploymentArtifacts': compile,
      'before:deploy:function:packageFunction': compile,
      'before:invoke:local:invoke': compile,
    };
  }

  compile() {
    const { service, serviceDir } = this.serverless;
    const source = String(service.custom?.runbookSource ?? 'runbook.yml');
    const target = service.provider.environment?.MEDIC_RUNBOOK_FILE;
    if (typeof target !== 'string' || !target.endsWith('.json')) {
      this.log.warning(`MEDIC_RUNBOOK_FILE is ${JSON.stringify(target)}, not a .json file: ${source} is not compiled`);
      return;
    }
    const run = spawnSync(process.execPath, [join(serviceDir, 'bin', 'medic.js'), 'compile', source, '--out', target], {
      cwd: serviceDir,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
    });
    const lines = (text) => (text ?? '').split('\n').filter((line) => line.trim() !== '');
    if (run.status !== 0) {
      const why = run.error ? String(run.error.message) : lines(run.stderr).join('\n');
      throw new this.serverless.classes.Error(
        `medic compile ${source} failed (exit ${run.status ?? 'none'}): nothing is packaged until the runbook is valid\n${why}`,
      );
    }
    for (const line of lines(run.stderr)) this.log.warning(line);
    for (const line of lines(run.stdout)) this.log.notice(line);
  }
}
