export function App() {
  return (
    <main>
      <h1>ConvSweep</h1>
      <p>One 3x3 filter, 900 positions, one summed gradient.</p>
    </main>
  );
}
