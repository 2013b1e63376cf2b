// Answers SPARQL queries with Comunica, a second SPARQL engine, over an N-Quads dataset.
// Usage: node query.mjs DATA.nq MANIFEST.json ANSWERS.json, where the manifest is a list of
// query texts; the answers are their SPARQL JSON results, in the same order.
// The default graph is the merge of the dataset's graphs, as kg's queries are written against.
import fs from 'node:fs'
import { DataFactory, Parser, Store } from 'n3'
import { QueryEngine } from '@comunica/query-sparql'

const [data, manifest, answers] = process.argv.slice(2)
const store = new Store()
for (const quad of new Parser({ format: 'N-Quads' }).parse(fs.readFileSync(data, 'utf8'))) {
  store.addQuad(quad)
  store.addQuad(DataFactory.quad(quad.subject, quad.predicate, quad.object, DataFactory.defaultGraph()))
}

async function answer (engine, query) {
  const result = await engine.query(query, { sources: [store] })
  const { data: stream } = await engine.resultToString(result, 'application/sparql-results+json')
  let text = ''
  for await (const chunk of stream) text += chunk
  return JSON.parse(text)
}

const engine = new QueryEngine()
const results = []
for (const query of JSON.parse(fs.readFileSync(manifest, 'utf8'))) results.push(await answer(engine, query))
fs.writeFileSync(answers, JSON.stringify(results))
