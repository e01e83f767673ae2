#version 450
// The conversion every source format goes through, chosen by push constants; the planes
// are sampled as single-plane images (lib/src/gpu/source_formats.h has the table), as the
// GLES converter samples them.
layout(location = 0) in vec2 uv;
layout(location = 0) out vec4 color;

layout(set = 0, binding = 0) uniform sampler2D planes[3];

layout(push_constant) uniform Parameters
{
	vec4 matrix[3]; // YUV to RGB, by column
	vec4 offset;    // subtracted from YUV first
	ivec4 flags;    // kind (0 RGB, 1 semi-planar, 2 planar, 3 packed 4:2:2), V before U, Y first
	vec4 size;      // x: the source's width in pixels
} p;

vec4 toRgb(vec3 yuv)
{
	mat3 m = mat3(p.matrix[0].xyz, p.matrix[1].xyz, p.matrix[2].xyz);
	return vec4(clamp(m * (yuv - p.offset.xyz), 0.0, 1.0), 1.0);
}

void main()
{
	bool swapChroma = p.flags.y != 0;
	if (p.flags.x == 0) {
		color = vec4(texture(planes[0], uv).rgb, 1.0);
	} else if (p.flags.x == 1) {
		vec2 c = texture(planes[1], uv).rg;
		color = toRgb(vec3(texture(planes[0], uv).r, swapChroma ? c.yx : c));
	} else if (p.flags.x == 2) {
		float u = texture(planes[1], uv).r, v = texture(planes[2], uv).r;
		color = toRgb(vec3(texture(planes[0], uv).r, swapChroma ? v : u, swapChroma ? u : v));
	} else {
		// Each texel holds two pixels; the source column's parity picks the Y.
		vec4 t = texture(planes[0], uv);
		float odd = mod(floor(uv.x * p.size.x), 2.0);
		color = p.flags.z != 0 ? toRgb(vec3(mix(t.r, t.b, odd), t.g, t.a))
				       : toRgb(vec3(mix(t.g, t.a, odd), t.r, t.b));
	}
}
