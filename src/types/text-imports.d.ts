/** SQL files imported as text (Bun's `with { type: "text" }`), e.g. the embedded migrations. */
declare module "*.sql" {
  const text: string;
  export default text;
}
