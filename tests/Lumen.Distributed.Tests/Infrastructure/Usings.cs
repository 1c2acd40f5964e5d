global using Xunit;
global using Lumen;
