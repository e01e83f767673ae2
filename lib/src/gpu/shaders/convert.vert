#version 450
// One triangle that covers the viewport: (-1,-1), (3,-1), (-1,3). The texture coordinate
// is 0 at the first row and column of both the source and the target, as in Vulkan both
// count from the top.
layout(location = 0) out vec2 uv;

void main()
{
	vec2 position = vec2((gl_VertexIndex << 1) & 2, gl_VertexIndex & 2) * 2.0 - 1.0;
	uv = position * 0.5 + 0.5;
	gl_Position = vec4(position, 0.0, 1.0);
}
